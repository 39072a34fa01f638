import Foundation

/// Reads an Azure-format trace line by line from raw UTF-8 bytes, keeping only the parsed requests
/// (24 bytes each): a 10-million-row trace needs about its requests' memory, not its text's many times.
/// LF or CRLF line ends, blank lines skipped, whitespace around fields trimmed, no quoting.
struct TraceParser {
    let file: String
    private(set) var requests: [Request] = []
    private var line = 0
    private var fieldCount = 0
    /// Positions of the arrival time, prompt and output columns among the header's fields, and their names.
    private var columnIndex: [Int] = []
    private var columns: [String] = []
    private var origin: Double?
    /// The unfinished last line of the previous chunk.
    private var carry: [UInt8] = []
    private var fields: [Range<Int>] = []

    init(file: String) { self.file = file }

    /// Parses every complete line of `bytes`; the tail after the last newline waits for the next chunk.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws {
        guard let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) else {
            carry.append(contentsOf: bytes)
            return
        }
        var start = 0
        if !carry.isEmpty, let firstNewline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            carry.append(contentsOf: bytes[0..<firstNewline])
            let joined = carry
            carry.removeAll(keepingCapacity: true)
            try joined.withUnsafeBytes { try parseLine($0, 0..<$0.count) }
            start = firstNewline + 1
        }
        while start <= lastNewline, let end = bytes[start...lastNewline].firstIndex(of: UInt8(ascii: "\n")) {
            try parseLine(bytes, start..<end)
            start = end + 1
        }
        carry.append(contentsOf: bytes[(lastNewline + 1)...])
    }

    /// Parses the last line (one without a final newline) and returns the trace.
    mutating func finish() throws -> Trace {
        if !carry.isEmpty {
            let rest = carry
            carry = []
            try rest.withUnsafeBytes { try parseLine($0, 0..<$0.count) }
        }
        guard !requests.isEmpty else { throw ClusterModelError.emptyTrace(path: file) }
        return Trace(file: file, requests: requests)
    }

    private mutating func parseLine(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws {
        line += 1
        var end = range.upperBound
        if end > range.lowerBound, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        split(bytes, range.lowerBound..<end)
        if !fields.contains(where: { !$0.isEmpty }) { return }
        if columnIndex.isEmpty { return try readHeader(bytes) }
        guard fields.count == fieldCount else {
            throw ClusterModelError.malformedTrace(path: file, line: line, column: "row", value: "\(fields.count) fields",
                                                   allowed: "\(fieldCount) comma-separated fields, as in the header")
        }
        let stamp = fields[columnIndex[0]]
        guard let absolute = TraceTimestamp.seconds(UnsafeRawBufferPointer(rebasing: bytes[stamp])) else {
            throw Self.malformed(bytes, stamp, column: columns[0], allowed: "YYYY-MM-DD HH:MM:SS[.fraction] or seconds as a non-negative number",
                                 file: file, line: line)
        }
        let start = origin ?? absolute
        origin = start
        let seconds = absolute - start
        if let previous = requests.last, seconds < previous.arrivalSeconds {
            throw Self.malformed(bytes, stamp, column: columns[0], allowed: "a time no earlier than the previous row's (rows must be in arrival order)",
                                 file: file, line: line)
        }
        let prompt = try Self.tokens(bytes, fields[columnIndex[1]], column: columns[1], file: file, line: line)
        let output = try Self.tokens(bytes, fields[columnIndex[2]], column: columns[2], file: file, line: line)
        requests.append(Request(arrivalSeconds: seconds, promptTokens: prompt, outputTokens: output))
    }

    private mutating func readHeader(_ bytes: UnsafeRawBufferPointer) throws {
        let header = fields.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        let format = Trace.formats.lazy.map { format in (format.columns, format.columns.compactMap { header.firstIndex(of: $0) }) }
            .first { $0.1.count == $0.0.count }
        guard let (names, positions) = format else {
            let known = Trace.formats.map { "\($0.columns.joined(separator: ",")) (\($0.name))" }.joined(separator: "; ")
            throw ClusterModelError.malformedTrace(path: file, line: line, column: "header", value: "\"\(header.joined(separator: ",").prefix(80))\"",
                                                   allowed: "a header naming the columns of one of: \(known); other columns are ignored")
        }
        columnIndex = positions
        columns = names
        fieldCount = header.count
    }

    /// Splits at commas into trimmed byte ranges, reusing one array; a field in double quotes (RFC 4180)
    /// is read without them (trace fields hold no commas or quotes of their own).
    private mutating func split(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        fields.removeAll(keepingCapacity: true)
        var start = range.lowerBound
        for index in range where bytes[index] == UInt8(ascii: ",") {
            fields.append(Self.trimmed(bytes, start..<index))
            start = index + 1
        }
        fields.append(Self.trimmed(bytes, start..<range.upperBound))
    }

    /// Static, as are the readers below: called on `self` from a mutating method, a method copied the
    /// whole parser (its arrays retained and released) once per field.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, bytes[lower] == UInt8(ascii: " ") || bytes[lower] == UInt8(ascii: "\t") { lower += 1 }
        while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") || bytes[upper - 1] == UInt8(ascii: "\t") { upper -= 1 }
        if upper - lower >= 2, bytes[lower] == UInt8(ascii: "\""), bytes[upper - 1] == UInt8(ascii: "\"") { return (lower + 1)..<(upper - 1) }
        return lower..<upper
    }

    /// A token count: decimal digits only, within `NumberRule.tokenCount`.
    private static func tokens(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, column: String, file: String, line: Int) throws -> Int {
        var value = 0
        for index in range {
            let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit), value <= (Int.max - digit) / 10 else { value = -1; break }
            value = value * 10 + digit
        }
        guard !range.isEmpty, value >= 0, NumberRule.tokenCount.accepts(Double(value)) else {
            throw malformed(bytes, range, column: column, allowed: NumberRule.tokenCount.description, file: file, line: line)
        }
        return value
    }

    private static func malformed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, column: String, allowed: String,
                                  file: String, line: Int) -> ClusterModelError {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        return .malformedTrace(path: file, line: line, column: column, value: "\"\(text.prefix(80))\"", allowed: allowed)
    }
}
