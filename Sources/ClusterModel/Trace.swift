import Foundation

/// One request of a workload: when it arrives and how many tokens it brings and asks for.
public struct Request: Sendable, Equatable {
    public var arrivalSeconds: Double
    public var promptTokens: Int
    public var outputTokens: Int

    public init(arrivalSeconds: Double, promptTokens: Int, outputTokens: Int) {
        self.arrivalSeconds = arrivalSeconds
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
    }
}

/// A request trace in the Azure LLM inference format (`TIMESTAMP,ContextTokens,GeneratedTokens`),
/// with arrival times in seconds from the first request.
public struct Trace: Sendable, Equatable {
    public var file: String
    public var requests: [Request]

    public init(file: String, requests: [Request]) {
        self.file = file
        self.requests = requests
    }

    public var durationSeconds: Double { requests.last?.arrivalSeconds ?? 0 }

    public var meanRatePerSecond: Double {
        durationSeconds > 0 ? Double(requests.count - 1) / durationSeconds : 0
    }

    /// The requests arriving in `[startSeconds, startSeconds + durationSeconds)`, with arrival times
    /// divided by `rateScale` (2 replays the trace twice as fast) and shifted to start at zero.
    public func window(startSeconds: Double, durationSeconds: Double?, rateScale: Double) -> [Request] {
        let end = durationSeconds.map { startSeconds + $0 } ?? .infinity
        return requests.lazy
            .filter { $0.arrivalSeconds >= startSeconds && $0.arrivalSeconds < end }
            .map { Request(arrivalSeconds: ($0.arrivalSeconds - startSeconds) / rateScale, promptTokens: $0.promptTokens, outputTokens: $0.outputTokens) }
    }
}

extension Trace {
    /// Traces larger than this are refused: the published hour-long traces are under 1 MB.
    public static let maximumBytes = 512 * 1_048_576

    public static func load(_ url: URL) throws -> Trace {
        let data = try JSONDocument.readFile(url, role: "trace file", maximumBytes: maximumBytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ClusterModelError.unreadableFile(path: url.path, reason: "not UTF-8 text; expected a CSV trace")
        }
        return try parse(text, file: url.path)
    }

    static let columns = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"]

    public static func parse(_ text: String, file: String) throws -> Trace {
        let csv = CSVText(text)
        guard !csv.header.isEmpty else { throw ClusterModelError.emptyTrace(path: file) }
        var index: [Int] = []
        for column in columns {
            guard let position = csv.header.firstIndex(of: column) else {
                throw ClusterModelError.malformedTrace(
                    path: file, line: csv.headerLine, column: "header", value: "\"\(csv.header.joined(separator: ","))\"",
                    allowed: "a header naming the columns \(columns.joined(separator: ", ")) (Azure LLM inference trace format)")
            }
            index.append(position)
        }
        var requests: [Request] = []
        requests.reserveCapacity(csv.rows.count)
        var origin: Double?
        for row in csv.rows {
            let fields = row.fields
            guard fields.count == csv.header.count else {
                throw ClusterModelError.malformedTrace(
                    path: file, line: row.line, column: "row", value: "\(fields.count) fields",
                    allowed: "\(csv.header.count) comma-separated fields, as in the header")
            }
            let stamp = fields[index[0]]
            guard let absolute = TraceTimestamp.seconds(stamp) else {
                throw ClusterModelError.malformedTrace(
                    path: file, line: row.line, column: "TIMESTAMP", value: "\"\(stamp)\"",
                    allowed: "YYYY-MM-DD HH:MM:SS[.fraction] or seconds as a non-negative number")
            }
            let start = origin ?? absolute
            origin = start
            let seconds = absolute - start
            if let previous = requests.last, seconds < previous.arrivalSeconds {
                throw ClusterModelError.malformedTrace(
                    path: file, line: row.line, column: "TIMESTAMP", value: "\"\(stamp)\"",
                    allowed: "a time no earlier than the previous row's (rows must be in arrival order)")
            }
            let prompt = try tokens(fields[index[1]], column: columns[1], line: row.line, file: file)
            let output = try tokens(fields[index[2]], column: columns[2], line: row.line, file: file)
            requests.append(Request(arrivalSeconds: seconds, promptTokens: prompt, outputTokens: output))
        }
        guard !requests.isEmpty else { throw ClusterModelError.emptyTrace(path: file) }
        return Trace(file: file, requests: requests)
    }

    private static func tokens(_ text: String, column: String, line: Int, file: String) throws -> Int {
        guard let value = Int(text), NumberRule.tokenCount.accepts(Double(value)) else {
            throw ClusterModelError.malformedTrace(
                path: file, line: line, column: column, value: "\"\(text)\"", allowed: NumberRule.tokenCount.description)
        }
        return value
    }
}

/// Trace timestamps: `2023-11-16 18:17:03.9799600` (UTC, any number of fraction digits) or plain seconds.
enum TraceTimestamp {
    static func seconds(_ text: String) -> Double? {
        if let plain = Double(text) { return plain.isFinite && plain >= 0 ? plain : nil }
        let parts = text.split(separator: " ")
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":")
        guard date.count == 3, time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]),
              let second = Double(time[2]), (1...12).contains(date[1]), (1...31).contains(date[2]),
              (0..<24).contains(hour), (0..<60).contains(minute), second >= 0, second < 61
        else { return nil }
        let days = daysFromCivil(year: date[0], month: date[1], day: date[2])
        return Double(days) * 86_400 + Double(hour * 3600 + minute * 60) + second
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
