import Foundation

/// A parsed JSON document, kept as a tree so that validation can report the exact JSON path.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// How a value reads in an error message: short, and quoted when it is a string.
    public var summary: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return NumberFormatting.compact(value)
        case .string(let value): return "\"\(value.count > 60 ? String(value.prefix(57)) + "..." : value)\""
        case .array(let items): return "an array of \(items.count)"
        case .object: return "an object"
        }
    }

    public static func parse(_ data: Data, path: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let error as DecodingError {
            throw ClusterModelError.malformedJSON(path: path, reason: Self.syntaxLocation(data) ?? Self.describe(error))
        } catch {
            throw ClusterModelError.malformedJSON(path: path, reason: "\(error)")
        }
    }

    /// "line L, column C: what is wrong", from the parser's byte offset ("around character N"), counted
    /// in lines and UTF-8 columns so an editor finds it; nil when the parser names no offset.
    static func syntaxLocation(_ data: Data) -> String? {
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
        }
        if detail.localizedCaseInsensitiveContains("end of file") {
            let lines = data.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            return data.isEmpty ? "the file is empty" : "line \(lines), at the end of the file: the JSON stops before it is complete"
        }
        guard let range = detail.range(of: "character "),
              let offset = Int(detail[range.upperBound...].prefix { $0.isNumber }) else {
            return detail.isEmpty ? nil : detail
        }
        let prefix = data.prefix(min(offset, data.count))
        let line = prefix.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let column = prefix.count - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 - prefix.startIndex + 1 } ?? 0) + 1
        let what = detail.components(separatedBy: " around").first ?? detail
        return "line \(line), column \(column): \(what.prefix(80)); check for a missing comma, quote or bracket just before it"
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            return context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

extension JSONValue: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            do {
                self = .object(try container.decode([String: JSONValue].self))
            } catch DecodingError.typeMismatch(_, let context) where context.debugDescription.contains("number") {
                // A number too large for a Double (1e999): keep it, so validation reports it at its path.
                self = .number(.infinity)
            }
        }
    }
}

/// Numbers in messages and tables: integers without a fraction, others with up to 6 significant digits.
public enum NumberFormatting {
    public static func compact(_ value: Double) -> String {
        if !value.isFinite { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }
}
