/// Comma-separated text split into lines and fields on raw UTF-8 bytes: LF or CRLF line ends,
/// blank lines skipped, whitespace around fields trimmed. No quoting: trace and profile files need none.
public struct CSVText: Sendable {
    public struct Row: Sendable {
        /// 1-based line number in the file, for error messages.
        public var line: Int
        public var fields: [String]
    }

    public var header: [String]
    public var rows: [Row]

    public init(_ text: String) {
        var rows: [Row] = []
        var line = 0
        for raw in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            var bytes = raw[...]
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            let fields = bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self).trimmingWhitespace()
            }
            if fields.allSatisfy(\.isEmpty) { continue }
            rows.append(Row(line: line, fields: fields))
        }
        header = rows.first?.fields ?? []
        self.rows = Array(rows.dropFirst())
    }

    /// The header line's number (the first non-blank line), or 1 for an empty file.
    public var headerLine: Int { 1 }
}

extension String {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        guard let last = lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(self[first...last])
    }
}
