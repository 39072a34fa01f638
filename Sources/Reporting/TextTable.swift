/// A plain-text table with aligned columns: numbers right-aligned, text left-aligned.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var title: String?
    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []

    public init(title: String? = nil, headers: [String], alignments: [Alignment]? = nil) {
        self.title = title
        self.headers = headers
        self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
    }

    public mutating func append(_ row: [String]) {
        assert(row.count == headers.count, "a row has \(row.count) cells; the table has \(headers.count) columns")
        rows.append(row)
    }

    public func render() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - cells[column].count)
                return alignments[column] == .left ? cells[column] + padding : padding + cells[column]
            }.joined(separator: "  ").replacingTrailingSpaces()
        }
        var lines: [String] = []
        if let title { lines.append(title) }
        lines.append(line(headers))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func replacingTrailingSpaces() -> String {
        var result = self
        while result.hasSuffix(" ") { result.removeLast() }
        return result
    }
}
