import ClusterModel
import Foundation

/// Seeded mutations of JSON and CSV inputs: values swapped for the ones that break code (extremes,
/// wrong types, huge strings, repeated elements), keys dropped, and raw byte damage.
struct Mutator {
    var random: SplitMix64

    /// Numbers at the edges of what parsers, conversions and models survive.
    static let numbers: [String] = [
        "0", "-0", "-1", "1", "0.5", "1e-300", "1e-20", "5e-324", "1e20", "1e300", "1.7976931348623157e308", "1e309", "-1e309",
        "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "4294967296", "2147483648",
        "10", "100", "65536", "1000000", "1e9", "3.5", "0.999999", "1.000001", "1" + String(repeating: "0", count: 400),
    ]
    static let strings: [String] = [
        "\"\"", "\"auto\"", "\"dgx-h100\"", "\"llama2-70b\"", "\"trace\"", "\"poisson\"", "\"lognormal\"", "\"fixed\"", "\"../../etc/passwd\"",
        "\"\\u0000\"", "\"\u{1F600}\"", "\"" + String(repeating: "x", count: 5000) + "\"", "\"-\"", "\"NaN\"", "\"1e3\"",
    ]
    static let others: [String] = ["null", "true", "false", "[]", "{}", "[1, 2, 3]", "{\"a\": 1}", "[[[[[[[[[[]]]]]]]]]]"]

    mutating func pick<T>(_ values: [T]) -> T { values[random.nextIndex(values.count)] }
    mutating func chance(_ probability: Double) -> Bool { random.nextUnit() < probability }

    /// One to three mutations of a JSON document: mostly structural, sometimes raw.
    mutating func mutateJSON(_ text: String) -> String {
        var current = text
        for _ in 0..<(1 + random.nextIndex(3)) {
            if chance(0.8), let structural = structural(current) { current = structural } else { current = raw(current) }
        }
        return current
    }

    /// Replaces, drops or repeats one value found in the text, keeping the rest byte for byte.
    private mutating func structural(_ text: String) -> String? {
        let spans = JSONSpans.values(in: text)
        guard !spans.isEmpty else { return nil }
        let span = pick(spans)
        let utf8 = Array(text.utf8)
        let original = String(decoding: utf8[span.range], as: UTF8.self)
        let replacement: String
        switch random.nextIndex(12) {
        case 10, 11:
            // A number moved within a factor of 4 either way: mostly still valid, so the run goes deeper.
            guard let value = Double(original) else { replacement = pick(Self.numbers); break }
            replacement = "\(value * pow(4, 2 * random.nextUnit() - 1))"
        case 0...3: replacement = pick(Self.numbers)
        case 4, 5: replacement = pick(Self.strings)
        case 6: replacement = pick(Self.others)
        case 7:
            // Repeated up to 60 times, within about 200 kB, so that inputs stay a size a user could write.
            let copies = 1 + random.nextIndex(max(1, min(60, 200_000 / max(original.utf8.count, 1))))
            replacement = "[" + Array(repeating: original, count: copies).joined(separator: ", ") + "]"
        case 8:
            // A key dropped: the member and its comma, when the value is an object member.
            guard let member = span.memberRange else { return nil }
            var bytes = utf8
            bytes.removeSubrange(member)
            return String(decoding: bytes, as: UTF8.self)
        default:
            // A number scaled by a power of ten, both ways.
            guard let value = Double(original) else { replacement = pick(Self.numbers); break }
            let scaled = value * pow(10, Double(random.nextIndex(25) - 12))
            replacement = "\(scaled)"
        }
        var bytes = utf8
        bytes.replaceSubrange(span.range, with: Array(replacement.utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Byte damage: a cut, a deletion, a duplicated run, or random bytes.
    mutating func raw(_ text: String) -> String {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return "\u{0}" }
        let at = random.nextIndex(bytes.count)
        switch random.nextIndex(5) {
        case 0: bytes.removeSubrange(at...)
        case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.nextIndex(32)))
        case 2:
            let run = Array(bytes[at..<min(bytes.count, at + 1 + random.nextIndex(64))])
            bytes.insert(contentsOf: Array(repeating: run, count: 1 + random.nextIndex(8)).joined(), at: at)
        case 3: bytes[at] = UInt8(truncatingIfNeeded: random.next())
        default: bytes.insert(contentsOf: Array(pick(["{", "}", "[", "]", ",", ":", "\"", "\\", "\n", "e", "-", "."]).utf8), at: at)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A CSV trace: fields replaced, rows reordered or repeated, or raw damage.
    mutating func mutateCSV(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count > 2 else { return raw(text) }
        for _ in 0..<(1 + random.nextIndex(3)) {
            let row = random.nextIndex(lines.count)
            switch random.nextIndex(6) {
            case 0, 1:
                var fields = lines[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard !fields.isEmpty else { continue }
                fields[random.nextIndex(fields.count)] = pick(Self.numbers + ["", " ", "abc", "2023-13-40 25:61:99", "2023-11-16 18:17:03.5", "\"5\"", "-5"])
                lines[row] = fields.joined(separator: ",")
            case 2: lines.swapAt(row, random.nextIndex(lines.count))
            case 3: lines.insert(contentsOf: Array(repeating: lines[row], count: 1 + random.nextIndex(max(1, min(200, 20_000 / max(lines[row].utf8.count, 1))))), at: row)
            case 4: lines[row] += pick([",", ",,", ",x", "\r", "\r\r"])
            default: lines = raw(lines.joined(separator: "\n")).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Where the values of a JSON text are: scalars, arrays and objects, with the member range (key, value
/// and one adjoining comma) when the value belongs to an object. A small scanner, not a validator.
enum JSONSpans {
    struct Span {
        var range: Range<Int>
        var memberRange: Range<Int>?
    }

    static func values(in text: String) -> [Span] {
        let bytes = Array(text.utf8)
        var spans: [Span] = []
        var index = 0
        _ = scanValue(bytes, &index, &spans, key: nil)
        return spans
    }

    private static func skipSpace(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    /// Scans one value at `index`; records it; returns false on text it cannot follow.
    private static func scanValue(_ bytes: [UInt8], _ index: inout Int, _ spans: inout [Span], key: Int?) -> Bool {
        skipSpace(bytes, &index)
        guard index < bytes.count else { return false }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = bytes[index] == UInt8(ascii: "{")
            index += 1
            while true {
                skipSpace(bytes, &index)
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: isObject ? "}" : "]") { index += 1; break }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                var memberStart: Int?
                if isObject {
                    memberStart = index
                    guard scanString(bytes, &index) else { return false }
                    skipSpace(bytes, &index)
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                }
                guard scanValue(bytes, &index, &spans, key: memberStart) else { return false }
            }
        case UInt8(ascii: "\""):
            guard scanString(bytes, &index) else { return false }
        default:
            while index < bytes.count, !",}] \n\r\t".utf8.contains(bytes[index]) { index += 1 }
            // A stray closing bracket: text this scanner cannot follow (and must not loop on).
            guard index > start else { return false }
        }
        var member: Range<Int>?
        if let key {
            var end = index
            skipSpace(bytes, &end)
            member = end < bytes.count && bytes[end] == UInt8(ascii: ",") ? key..<(end + 1) : key..<index
        }
        spans.append(Span(range: start..<index, memberRange: member))
        return true
    }

    private static func scanString(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard index < bytes.count else { return false }
        index += 1
        return true
    }
}
