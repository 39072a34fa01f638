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
        return (String(data: data, encoding: .utf8) ?? "{}") + "\n"
    }
}
