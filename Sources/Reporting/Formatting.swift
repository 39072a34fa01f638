import Foundation

/// Number formats shared by every text report, so that figures read the same everywhere.
public enum Format {
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "-"
    }

    public static func milliseconds(_ seconds: Double) -> String { fixed(seconds * 1000, 1) }

    public static func integer(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    public static func percent(_ value: Double) -> String { fixed(value, 1) + " %" }
}

/// JSON output: sorted keys and fixed formatting, so the same result always prints the same bytes.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return roundingNumbers(String(decoding: data, as: UTF8.self)) + "\n"
    }

    /// Most significant digits a fractional number keeps: figures derived from measurements and models
    /// carry no more, and `5.199999999999999` reads as the 5.2 it is.
    public static let significantDigits = 12

    /// Rewrites every fractional number outside strings with at most `significantDigits` significant
    /// digits; integers and strings stay as encoded.
    static func roundingNumbers(_ json: String) -> String {
        let bytes = Array(json.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0, inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count { out.append(bytes[index + 1]); index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") { inString = true }
            guard byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                out.append(byte)
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, "+-0123456789.eE".utf8.contains(bytes[end]) { end += 1 }
            let token = String(decoding: bytes[index..<end], as: UTF8.self)
            out.append(contentsOf: Array(rounded(token).utf8))
            index = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func rounded(_ token: String) -> String {
        guard token.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let value = Double(token), value.isFinite else { return token }
        let digits = token.prefix { $0 != "e" && $0 != "E" }.filter(\.isNumber).drop { $0 == "0" }.count
        guard digits > significantDigits else { return token }
        let shortened = String(format: "%.\(significantDigits)g", value)
        // Back to the shortest form that reads as the rounded value (no padding zeros).
        return Double(shortened).map { "\($0)" } ?? shortened
    }
}
