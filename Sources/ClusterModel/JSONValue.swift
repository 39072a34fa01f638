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
            throw ClusterModelError.malformedJSON(path: path, reason: Self.describe(error))
        } catch {
            throw ClusterModelError.malformedJSON(path: path, reason: "\(error)")
        }
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
