/// A position in a JSON document: the value there, the file it came from and the JSON path to it.
/// Every accessor throws a `ClusterModelError` that names the file, the path, the value and what is allowed.
public struct JSONCursor: Sendable {
    public let file: String
    public let value: JSONValue
    private let components: [String]

    public init(file: String, value: JSONValue) {
        self.init(file: file, value: value, components: [])
    }

    private init(file: String, value: JSONValue, components: [String]) {
        self.file = file
        self.value = value
        self.components = components
    }

    /// `slo.ttft.p99`, `powerCaps[1].fraction`, or `(root)` for the document itself.
    public var path: String {
        components.isEmpty ? "(root)" : components.reduce("") { path, part in
            part.hasPrefix("[") || path.isEmpty ? path + part : path + "." + part
        }
    }

    public func path(appending key: String) -> String {
        JSONCursor(file: file, value: .null, components: components + [key]).path
    }

    // MARK: Objects

    public func object(expected: String = "an object") throws -> [String: JSONValue] {
        guard case .object(let members) = value else { throw invalid(expected: expected) }
        return members
    }

    /// Rejects keys outside `allowed`, so that a typo is an error rather than a silently ignored setting.
    public func requireKeys(within allowed: [String]) throws {
        for key in try object().keys.sorted() where !allowed.contains(key) {
            throw ClusterModelError.unknownKey(path: file, jsonPath: path(appending: key), allowed: allowed)
        }
    }

    public func has(_ key: String) throws -> Bool {
        guard let member = try object()[key] else { return false }
        return member != .null
    }

    public func child(_ key: String, expected: String) throws -> JSONCursor {
        guard let member = try object()[key], member != .null else {
            throw ClusterModelError.missingKey(path: file, jsonPath: path(appending: key), expected: expected)
        }
        return JSONCursor(file: file, value: member, components: components + [key])
    }

    public func optionalChild(_ key: String) throws -> JSONCursor? {
        guard let member = try object()[key], member != .null else { return nil }
        return JSONCursor(file: file, value: member, components: components + [key])
    }

    // MARK: Arrays

    public func elements(expected: String = "an array") throws -> [JSONCursor] {
        guard case .array(let items) = value else { throw invalid(expected: expected) }
        return items.enumerated().map { index, item in
            JSONCursor(file: file, value: item, components: components + ["[\(index)]"])
        }
    }

    // MARK: Scalars

    public func string(allowed: String = "a string") throws -> String {
        guard case .string(let text) = value else { throw invalid(expected: allowed) }
        return text
    }

    public func bool() throws -> Bool {
        guard case .bool(let flag) = value else { throw invalid(expected: "true or false") }
        return flag
    }

    public func number(_ rule: NumberRule) throws -> Double {
        guard case .number(let number) = value, number.isFinite else { throw invalid(expected: rule.description) }
        guard rule.accepts(number) else { throw invalid(expected: rule.description) }
        return number
    }

    public func integer(_ rule: NumberRule) throws -> Int {
        let integerRule = rule.integral
        let number = try self.number(integerRule)
        guard number == number.rounded(), abs(number) <= 1e15 else { throw invalid(expected: integerRule.description) }
        return Int(number)
    }

    public func choice<T: RawRepresentable & CaseIterable>(_: T.Type) throws -> T where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .string(let text) = value, let result = T(rawValue: text) else {
            throw invalid(expected: "one of \(allowed)")
        }
        return result
    }

    public func identifier<ID: CatalogIdentifier>(_: ID.Type) throws -> ID {
        let text = try string(allowed: "an id (\(IdentifierSyntax.allowed))")
        guard IdentifierSyntax.isValid(text) else { throw invalid(expected: "an id (\(IdentifierSyntax.allowed))") }
        return ID(text)
    }

    // MARK: Keyed shorthands

    public func string(_ key: String) throws -> String {
        try child(key, expected: "a string").string()
    }

    public func number(_ key: String, _ rule: NumberRule) throws -> Double {
        try child(key, expected: rule.description).number(rule)
    }

    public func integer(_ key: String, _ rule: NumberRule) throws -> Int {
        try child(key, expected: rule.integral.description).integer(rule)
    }

    public func optionalNumber(_ key: String, _ rule: NumberRule) throws -> Double? {
        try optionalChild(key)?.number(rule)
    }

    public func invalid(expected: String) -> ClusterModelError {
        .invalidValue(path: file, jsonPath: path, value: value.summary, allowed: expected)
    }
}
