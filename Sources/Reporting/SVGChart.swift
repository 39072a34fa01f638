import Foundation

/// Inline SVG charts for HTML reports: grouped bars with optional target lines, and lines of points.
public enum SVGChart {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        public init(name: String, values: [Double]) { self.name = name; self.values = values }
    }

    public struct Line: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) { self.name = name; self.points = points }
    }

    static let palette = ["#2f6fb0", "#e07b39", "#3a9e6e", "#b8475f", "#7b5ea7", "#8c8c8c", "#c4a23a"]
    static let width = 1000.0, height = 360.0, left = 70.0, right = 170.0, top = 30.0, bottom = 60.0

    /// Bars grouped by category, one colour per series; `targets` draws a dashed line per category.
    public static func bars(title: String, unit: String, categories: [String], series: [Series], targets: [Double?] = []) -> String {
        let maximum = niceCeiling((series.flatMap(\.values) + targets.compactMap { $0 }).filter(\.isFinite).max() ?? 1)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let group = plotWidth / Double(max(categories.count, 1)), bar = group * 0.8 / Double(max(series.count, 1))
        var svg = frame(title: title, unit: unit, maximum: maximum)
        for (c, category) in categories.enumerated() {
            let x0 = left + Double(c) * group + group * 0.1
            for (s, serie) in series.enumerated() where c < serie.values.count && serie.values[c].isFinite {
                let h = plotHeight * min(serie.values[c] / maximum, 1)
                svg += rect(x: x0 + Double(s) * bar, y: top + plotHeight - h, w: bar * 0.92, h: h, color: palette[s % palette.count],
                            tip: "\(serie.name) \(category): \(format(serie.values[c])) \(unit)")
            }
            if c < targets.count, let target = targets[c] {
                let y = top + plotHeight * (1 - min(target / maximum, 1))
                svg += "<line x1=\"\(f(x0 - 2))\" y1=\"\(f(y))\" x2=\"\(f(x0 + group * 0.8 + 2))\" y2=\"\(f(y))\" stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"6 3\"><title>target \(format(target))</title></line>\n"
            }
            svg += label(x: x0 + group * 0.4, y: height - bottom + 18, text: category, anchor: "middle")
        }
        svg += legend(series.map(\.name) + (targets.contains { $0 != nil } ? ["SLO target"] : []), dashedLast: targets.contains { $0 != nil })
        return svg + "</svg>\n"
    }

    /// One stacked bar per category, a segment per series (zero segments left out), the total above it
    /// (for up to 16 categories); `line`, if given, is drawn across the bars on its own axis at the right.
    public static func stackedBars(title: String, unit: String, categories: [String], series: [Series],
                                   line: (series: Series, unit: String)? = nil) -> String {
        let totals = categories.indices.map { c in series.reduce(0.0) { $0 + (c < $1.values.count && $1.values[c].isFinite ? $1.values[c] : 0) } }
        let maximum = niceCeiling((totals.max() ?? 1) * 1.08)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let group = plotWidth / Double(max(categories.count, 1))
        var svg = frame(title: title, unit: unit, maximum: maximum)
        for (c, category) in categories.enumerated() {
            let x0 = left + Double(c) * group + group * 0.2
            var base = top + plotHeight
            for (s, serie) in series.enumerated() where c < serie.values.count && serie.values[c].isFinite && serie.values[c] > 0 {
                let h = plotHeight * serie.values[c] / maximum
                base -= h
                svg += rect(x: x0, y: base, w: group * 0.6, h: h, color: palette[s % palette.count],
                            tip: "\(serie.name) \(category): \(format(serie.values[c])) \(unit)")
            }
            if categories.count <= 16 { svg += label(x: x0 + group * 0.3, y: base - 6, text: "\(format(totals[c])) \(unit)", anchor: "middle") }
            svg += label(x: x0 + group * 0.3, y: height - bottom + 18, text: category, anchor: "middle")
        }
        var names = series.map(\.name)
        if let line {
            let lineMax = niceCeiling((line.series.values.filter(\.isFinite).max() ?? 1) * 1.08)
            let path = line.series.values.enumerated().map { c, value in
                "\(f(left + Double(c) * group + group * 0.5)),\(f(top + plotHeight * (1 - min(value / lineMax, 1))))"
            }
            svg += "<polyline fill=\"none\" stroke=\"#1d2733\" stroke-width=\"2.5\" stroke-dasharray=\"8 4\" points=\"\(path.joined(separator: " "))\"/>\n"
            for tick in 0...5 {
                svg += label(x: width - right + 4, y: top + plotHeight * (1 - Double(tick) / 5) + 4, text: format(lineMax * Double(tick) / 5), anchor: "start")
            }
            svg += label(x: width - right + 4, y: top - 8, text: line.unit, anchor: "start")
            names.append(line.series.name)
        }
        svg += legend(names, dashedLast: false, offset: line == nil ? 0 : 40, lineLast: line != nil)
        return svg + "</svg>\n"
    }

    /// Dash patterns by line, so that lines lying on each other stay distinguishable.
    static let dashes = ["", "8 4", "2 3", "10 3 2 3", "5 5", "1 4"]

    /// Lines through points, one colour, dash pattern and marker size per line, with the axes' labels; the
    /// x axis spans the data (rounded outwards), not zero to the largest value.
    public static func lines(title: String, xLabel: String, yLabel: String, lines: [Line]) -> String {
        let points = lines.flatMap(\.points)
        let yMax = niceCeiling(points.map(\.y).max() ?? 1)
        let (xMin, xMax) = axisRange(low: points.map(\.x).min() ?? 0, high: points.map(\.x).max() ?? 1)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        var svg = frame(title: title, unit: yLabel, maximum: yMax)
        for tick in 0...5 {
            let value = xMin + (xMax - xMin) * Double(tick) / 5
            svg += label(x: left + plotWidth * Double(tick) / 5, y: height - bottom + 18, text: format(value), anchor: "middle")
        }
        svg += label(x: left + plotWidth / 2, y: height - 12, text: xLabel, anchor: "middle")
        for (index, line) in lines.enumerated() where !line.points.isEmpty {
            let color = palette[index % palette.count]
            let path = line.points.sorted { $0.x < $1.x }.map { point in
                "\(f(left + plotWidth * (point.x - xMin) / max(xMax - xMin, 1e-12))),\(f(top + plotHeight * (1 - point.y / yMax)))"
            }
            let dash = dashes[index % dashes.count]
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") points=\"\(path.joined(separator: " "))\"/>\n"
            for point in path {
                let xy = point.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"\(f(5 - Double(index % 3)))\" fill=\"\(color)\"><title>\(HTML.escape(line.name))</title></circle>\n"
            }
        }
        for (index, line) in lines.enumerated() {
            let y = top + 8 + Double(index) * 20, x = width - right + 16
            let dash = dashes[index % dashes.count]
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 16))\" y2=\"\(f(y))\" stroke=\"\(palette[index % palette.count])\" stroke-width=\"2.5\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
            svg += label(x: x + 22, y: y + 4, text: line.name, anchor: "start")
        }
        return svg + "</svg>\n"
    }

    /// An axis from below `low` to above `high` in round steps: the data fill the plot whatever its offset.
    static func axisRange(low: Double, high: Double) -> (Double, Double) {
        guard low.isFinite, high.isFinite, high > low else { return (min(0, low), niceCeiling(max(high, 1e-12))) }
        let step = niceCeiling((high - low) / 5)
        let lower = floor(low / step) * step, upper = ceil(high / step) * step
        return (lower, upper > lower ? upper : lower + step)
    }

    private static func frame(title: String, unit: String, maximum: Double) -> String {
        let plotHeight = height - top - bottom
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\" aria-label=\"\(HTML.escape(title))\">\n"
        svg += "<text x=\"\(f(left))\" y=\"18\" font-size=\"15\" font-weight=\"600\" fill=\"#1d2733\">\(HTML.escape(title))</text>\n"
        for tick in 0...5 {
            let y = top + plotHeight * (1 - Double(tick) / 5)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\" stroke=\"#e6ebf0\"/>\n"
            svg += label(x: left - 8, y: y + 4, text: format(maximum * Double(tick) / 5), anchor: "end")
        }
        svg += "<text x=\"16\" y=\"\(f(top + plotHeight / 2))\" font-size=\"12\" fill=\"#5b6775\" transform=\"rotate(-90 16 \(f(top + plotHeight / 2)))\" text-anchor=\"middle\">\(HTML.escape(unit))</text>\n"
        return svg
    }

    private static func legend(_ names: [String], dashedLast: Bool, offset: Double = 0, lineLast: Bool = false) -> String {
        var svg = ""
        for (index, name) in names.enumerated() {
            let y = top + 8 + Double(index) * 20, x = width - right + 16 + offset
            if lineLast && index == names.count - 1 {
                svg += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 14))\" y2=\"\(f(y))\" stroke=\"#1d2733\" stroke-width=\"2.5\" stroke-dasharray=\"8 4\"/>\n"
            } else if dashedLast && index == names.count - 1 {
                svg += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 14))\" y2=\"\(f(y))\" stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n"
            } else {
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y - 6))\" width=\"14\" height=\"12\" fill=\"\(palette[index % palette.count])\"/>\n"
            }
            svg += label(x: x + 20, y: y + 4, text: name, anchor: "start")
        }
        return svg
    }

    private static func rect(x: Double, y: Double, w: Double, h: Double, color: String, tip: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"\(color)\"><title>\(HTML.escape(tip))</title></rect>\n"
    }

    private static func label(x: Double, y: Double, text: String, anchor: String) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"12\" fill=\"#3b4653\" text-anchor=\"\(anchor)\">\(HTML.escape(text))</text>\n"
    }

    /// The next of 1, 2, 2.5, 5 × 10^k at or above `value`: round axis maxima.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        return ([1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= value * (1 - 1e-12) }) ?? value
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
    private static func format(_ value: Double) -> String { value >= 100 ? String(format: "%.0f", value) : String(format: "%.3g", value) }
}
