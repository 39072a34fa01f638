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
    /// A loaded trace's digest while it is hashed; nil for a trace built in code, or given its digest.
    private var hashing: TraceDigest?
    private var givenSHA256 = ""

    public init(file: String, requests: [Request]) {
        self.file = file
        self.requests = requests
    }

    /// SHA-256 of the text the requests were read from (empty for a trace built in code). A loaded
    /// trace's text is hashed on a queue of its own as it is read; asking for the digest waits for it.
    public var sha256: String {
        get { hashing?.value ?? givenSHA256 }
        set { (hashing, givenSHA256) = (nil, newValue) }
    }

    public static func == (lhs: Trace, rhs: Trace) -> Bool {
        lhs.file == rhs.file && lhs.requests == rhs.requests && lhs.sha256 == rhs.sha256
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

    /// Reads the file in chunks, parsing as it goes: memory is the requests', not the text's. Each chunk
    /// is hashed on the digest's own queue meanwhile, so a report that shows no digest never waits for it.
    public static func load(_ url: URL) throws -> Trace {
        var parser = TraceParser(file: url.path)
        let digest = TraceDigest()
        try JSONDocument.readChunks(url, role: "trace file", maximumBytes: maximumBytes) { chunk in
            digest.add(chunk)
            try chunk.withUnsafeBytes { try parser.consume($0) }
        }
        var trace = try parser.finish()
        trace.hashing = digest
        return trace
    }

    /// The formats a trace may come in, by header: the arrival time, prompt tokens and output tokens.
    public static let formats: [(name: String, columns: [String])] = [
        ("Azure LLM inference trace", ["TIMESTAMP", "ContextTokens", "GeneratedTokens"]),
        ("SplitwiseSim trace", ["arrival_timestamp", "prompt_size", "token_size"]),
        ("generic", ["arrival_s", "prompt_tokens", "output_tokens"]),
    ]

    public static func parse(_ text: String, file: String) throws -> Trace {
        var parser = TraceParser(file: file)
        try Array(text.utf8).withUnsafeBytes { try parser.consume($0) }
        var trace = try parser.finish()
        trace.sha256 = SHA256.hex(Array(text.utf8))
        return trace
    }
}

/// Trace timestamps: `2023-11-16 18:17:03.9799600` (UTC, any number of fraction digits) or plain seconds.
enum TraceTimestamp {
    static func seconds(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else {
            // Plain seconds, through the standard library's parser (no allocation up to 15 bytes).
            guard let plain = Double(String(decoding: bytes, as: UTF8.self)) else { return nil }
            return plain.isFinite && plain >= 0 ? plain : nil
        }
        var cursor = 0
        func integer(until delimiter: UInt8, end: Int) -> Int? {
            var value = 0, digits = 0
            while cursor < end, bytes[cursor] != delimiter {
                let digit = Int(bytes[cursor]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit), digits < 9 else { return nil }
                value = value * 10 + digit
                digits += 1
                cursor += 1
            }
            guard digits > 0, cursor < end else { return nil }
            cursor += 1
            return value
        }
        guard let year = integer(until: UInt8(ascii: "-"), end: space), let month = integer(until: UInt8(ascii: "-"), end: space),
              let day = integer(until: UInt8(ascii: " "), end: space + 1), cursor == space + 1,
              let hour = integer(until: UInt8(ascii: ":"), end: bytes.count), let minute = integer(until: UInt8(ascii: ":"), end: bytes.count),
              cursor < bytes.count, let second = decimalSeconds(UnsafeRawBufferPointer(rebasing: bytes[cursor...])),
              (1...12).contains(month), (1...31).contains(day), (0..<24).contains(hour), (0..<60).contains(minute), second >= 0, second < 61
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days) * 86_400 + Double(hour * 3600 + minute * 60) + second
    }

    /// `SS.fffffff` as `Double(String)` reads it, without making a string per row: digits that fit an
    /// integer below 2⁵³, divided by an exact power of ten (at most 10²²), give the correctly rounded value
    /// (Clinger's fast path), which is what the standard library's parser returns; anything else goes to it.
    static func decimalSeconds(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var mantissa: UInt64 = 0, digits = 0, fractionDigits = 0, point = false
        for byte in bytes {
            if byte == UInt8(ascii: "."), !point {
                point = true
                continue
            }
            let digit = UInt64(byte) &- UInt64(UInt8(ascii: "0"))
            guard digit <= 9, digits < 15 else { return Double(String(decoding: bytes, as: UTF8.self)) }
            mantissa = mantissa * 10 + digit
            digits += 1
            if point { fractionDigits += 1 }
        }
        // A point first or last is left to the standard parser, which decides whether it is a number.
        guard digits > 0, bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: ".") else {
            return Double(String(decoding: bytes, as: UTF8.self))
        }
        return Double(mantissa) / exactPowersOfTen[fractionDigits]
    }

    /// 10⁰ … 10¹⁵, each exactly representable.
    private static let exactPowersOfTen: [Double] = (0...15).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

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

/// SHA-256 of a trace's text, hashed chunk by chunk on a serial queue of its own while the trace is
/// parsed; `value` waits for the chunks handed to it so far. At most `chunksInFlight` chunks wait to be
/// hashed: a reader that outruns the hash waits, so memory stays a few chunks, never the whole text.
final class TraceDigest: @unchecked Sendable {
    static let chunksInFlight = 4
    /// Owns `hasher` and `digest`: they are touched on it only.
    private let queue = DispatchQueue(label: "splitplan.trace-digest")
    private let room = DispatchSemaphore(value: TraceDigest.chunksInFlight)
    private var hasher = SHA256()
    private var digest: String?

    func add(_ chunk: Data) {
        room.wait()
        queue.async {
            self.hasher.update(chunk)
            self.room.signal()
        }
    }

    var value: String {
        queue.sync {
            if let digest { return digest }
            let finished = hasher.hexDigest()
            digest = finished
            return finished
        }
    }
}
