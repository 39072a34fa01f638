import Foundation

/// The part of JSON Schema (2020-12) the shipped schemas use: `type` (a name or a list), `properties`,
/// `required`, `additionalProperties` (false or a schema), `items`, `enum`, `minimum`, `anyOf`, `oneOf`,
/// and `$ref` into `$defs`. Returns every violation with its JSON path, so a failing test says where the output and
/// its documented shape part ways.
struct JSONSchemaCheck {
    let root: [String: Any]

    init(schemaFile: URL) throws {
        guard let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: schemaFile)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        root = schema
    }

    func violations(of document: Data) throws -> [String] {
        var found: [String] = []
        check(try JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed]), against: root, at: "$", into: &found)
        return found
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/$defs/"),
              let definitions = root["$defs"] as? [String: Any],
              let target = definitions[String(reference.dropFirst("#/$defs/".count))] as? [String: Any] else { return schema }
        return resolve(target)
    }

    private func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            // JSONSerialization keeps the literal's kind in the type code: c for true/false, d for a fraction.
            switch String(cString: number.objCType) {
            case "c", "B": return "boolean"
            case "d", "f": return number.doubleValue.rounded() == number.doubleValue ? "integer" : "number"
            default: return "integer"
            }
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    private func check(_ value: Any, against raw: [String: Any], at path: String, into found: inout [String]) {
        let schema = resolve(raw)
        for (keyword, exactlyOne) in [("anyOf", false), ("oneOf", true)] {
            guard let alternatives = schema[keyword] as? [[String: Any]] else { continue }
            let results = alternatives.map { alternative -> [String] in
                var inner: [String] = []
                check(value, against: alternative, at: path, into: &inner)
                return inner
            }
            let passing = results.filter(\.isEmpty).count
            if passing == 0 || (exactlyOne && passing > 1) {
                found.append("\(path): \(passing) of the \(keyword) alternatives match; closest: \(results.min { $0.count < $1.count }?.first ?? "-")")
            }
        }
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [(type as? String) ?? ""]
            let actual = typeName(value)
            guard allowed.contains(actual) || (actual == "integer" && allowed.contains("number")) else {
                found.append("\(path): \(actual), schema allows \(allowed.joined(separator: " or "))")
                return
            }
        }
        if let options = schema["enum"] as? [Any], let text = value as? String,
           !options.contains(where: { ($0 as? String) == text }) {
            found.append("\(path): \"\(text)\" is not one of \(options)")
        }
        if let minimum = schema["minimum"] as? Double, let number = value as? NSNumber, number.doubleValue < minimum {
            found.append("\(path): \(number) is below the minimum \(minimum)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                found.append("\(path): required key \"\(key)\" is missing")
            }
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] as? [String: Any] {
                    check(member, against: property, at: "\(path).\(key)", into: &found)
                } else if let extra = schema["additionalProperties"] {
                    if let allowed = extra as? Bool, !allowed {
                        found.append("\(path): key \"\(key)\" is not in the schema")
                    } else if let extraSchema = extra as? [String: Any] {
                        check(member, against: extraSchema, at: "\(path).\(key)", into: &found)
                    }
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { check(element, against: items, at: "\(path)[\(index)]", into: &found) }
        }
    }
}
