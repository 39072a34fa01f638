import Foundation
@testable import Planning
@testable import Reporting
import Testing

/// What the HTML reports draw, checked on cases worked by hand.
@Suite struct ReportChartTests {
    /// Axes span the data in round steps of 1, 2, 2.5 or 5 × 10^k: a fifth of the span rounded up.
    @Test func lineAxesFitTheData() {
        #expect(SVGChart.axisRange(low: 2000, high: 3000) == (2000, 3000))   // step 200
        #expect(SVGChart.axisRange(low: 1510, high: 1590) == (1500, 1600))   // 16 -> step 20
        #expect(SVGChart.axisRange(low: 480, high: 3100) == (0, 4000))       // 524 -> step 1000
    }

    /// A stack's segments add up to the total printed above it; an empty role draws no segment.
    @Test func stackedBarsShowTotals() {
        let svg = SVGChart.stackedBars(title: "Cost", unit: "USD/h", categories: ["a", "b"],
                                       series: [SVGChart.Series(name: "prompt", values: [60, 0]), SVGChart.Series(name: "token", values: [40, 25])])
        #expect(svg.contains(">100 USD/h<") && svg.contains(">25 USD/h<"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 3 + 2)   // three segments and two legend swatches
        #expect(!svg.contains("prompt b:"))
    }

    /// Winners along a cost sweep: the most requests per second at each value, ties to the first design
    /// by name; runs of the same winner merge; a value where nothing is feasible is its own stretch.
    @Test func sweepWinnersByHand() {
        func point(_ design: String, _ value: Double, _ rate: Double, feasible: Bool = true) -> SweepPoint {
            SweepPoint(design: design, value: value, feasible: feasible, requestsPerSecond: rate, costPerHourUSD: value * 0.9,
                       powerKW: value / 10, pools: "", onFrontier: false)
        }
        let points = [point("a", 100, 0, feasible: false), point("b", 100, 0, feasible: false),
                      point("a", 200, 10), point("b", 200, 8), point("a", 300, 20), point("b", 300, 20),
                      point("a", 400, 25), point("b", 400, 31), point("a", 500, 30), point("b", 500, 40)]
        let winners = SweepWinner.stretches(points, axis: .costCap)
        #expect(winners == [SweepWinner(fromValue: 100, toValue: 100, design: nil), SweepWinner(fromValue: 200, toValue: 300, design: "a"),
                            SweepWinner(fromValue: 400, toValue: 500, design: "b")])
    }
}
