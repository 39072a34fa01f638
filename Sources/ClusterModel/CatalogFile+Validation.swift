/// Checks every catalogue file shares: its format version and a citation for each figure.

/// Every catalogue file declares the format version it was written for.
enum SchemaVersion {
    static let current = 1

    static func check(_ json: JSONCursor) throws {
        let version = try json.child("schemaVersion", expected: "1").integer(.atLeast(1, atMost: 1))
        assert(version == current, "the rule above admits only the current version")
    }
}

/// The `sources` object: one citation per numeric figure, so that a reviewer can audit every number.
enum SourceCitations {
    static func read(_ json: JSONCursor) throws -> [String: String] {
        let sources = try json.child("sources", expected: "an object mapping each figure's key to its citation")
        var result: [String: String] = [:]
        for (key, _) in try sources.object() {
            let citation = try sources.child(key, expected: "a citation").string(allowed: "a citation string")
            guard !citation.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw try sources.child(key, expected: "").invalid(expected: "a non-empty citation")
            }
            result[key] = citation
        }
        return result
    }

    /// Each present numeric member of `json` needs a citation under its key.
    static func requireCitations(_ json: JSONCursor, sources: [String: String], exempt: Set<String>) throws {
        for (key, value) in try json.object().sorted(by: { $0.key < $1.key }) where !exempt.contains(key) {
            if case .number = value, sources[key] == nil {
                throw ClusterModelError.missingSource(path: json.file, jsonPath: json.path(appending: key))
            }
        }
    }
}
