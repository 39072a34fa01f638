/// Everything that can be wrong with the catalogue, a scenario or a trace.
/// Each message names the file, where in it, the bad value, what is allowed, and what to do next.
public enum ClusterModelError: Error, Equatable, CustomStringConvertible, Sendable {
    case fileNotFound(path: String, role: String)
    case unreadableFile(path: String, reason: String)
    case malformedJSON(path: String, reason: String)
    case invalidValue(path: String, jsonPath: String, value: String, allowed: String)
    case missingKey(path: String, jsonPath: String, expected: String)
    case unknownKey(path: String, jsonPath: String, allowed: [String])
    case renamedKey(path: String, jsonPath: String, newKey: String, note: String)
    case unknownReference(path: String, jsonPath: String, id: String, kind: String, known: [String])
    case missingSource(path: String, jsonPath: String)
    case duplicateID(path: String, id: String, otherPath: String)
    case emptyCatalog(path: String, kind: String)
    case malformedTrace(path: String, line: Int, column: String, value: String, allowed: String)
    case emptyTrace(path: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path, let role):
            let hint = role.contains("trace") ? " (relative paths in a scenario resolve against the scenario file's folder)" : ""
            return "\(clip(path)): \(role) not found; check the path\(hint)"
        case .unreadableFile(let path, let reason):
            return "\(clip(path)): cannot be read: \(reason)"
        case .malformedJSON(let path, let reason):
            return "\(clip(path)): not valid JSON: \(reason)"
        case .invalidValue(let path, let jsonPath, let value, let allowed):
            return "\(clip(path)): \(clip(jsonPath)) is \(clipValue(value)); allowed: \(allowed)"
        case .missingKey(let path, let jsonPath, let expected):
            return "\(clip(path)): \(clip(jsonPath)) is missing; expected \(expected)"
        case .unknownKey(let path, let jsonPath, let allowed):
            return "\(clip(path)): \(clip(jsonPath)) is not a known key; allowed here: \(allowed.joined(separator: ", "))"
        case .renamedKey(let path, let jsonPath, let newKey, let note):
            return "\(clip(path)): \(clip(jsonPath)) is no longer read; use \"\(clip(newKey))\" instead: \(note)"
        case .unknownReference(let path, let jsonPath, let id, let kind, let known):
            let list = known.isEmpty ? "none in the catalogue" : known.joined(separator: ", ")
            return "\(clip(path)): \(clip(jsonPath)) names \(kind) '\(clipValue(id))', which the catalogue does not have; known: \(list)"
        case .missingSource(let path, let jsonPath):
            return "\(clip(path)): \(clip(jsonPath)) has no entry in \"sources\"; every catalogue figure needs a citation"
        case .duplicateID(let path, let id, let otherPath):
            return "\(clip(path)): id '\(clipValue(id))' is already defined by \(clip(otherPath)); ids must be unique"
        case .emptyCatalog(let path, let kind):
            return "\(clip(path)): no \(kind) files (*.json) found; a catalogue directory holds gpus/, machines/ and models/"
        case .malformedTrace(let path, let line, let column, let value, let allowed):
            return "\(clip(path)):\(line): \(clip(column)) is \(clipValue(value)); allowed: \(allowed)"
        case .emptyTrace(let path):
            return "\(clip(path)): the trace has a header but no requests; a trace needs at least one row"
        }
    }

    /// A path the user wrote, cut in the middle past 160 characters: a message stays readable whatever
    /// the input held, and both ends (a path's folder and file name) stay visible.
    func clip(_ text: String) -> String {
        guard text.count > 160 else { return text }
        return "\(text.prefix(100))…(\(text.count - 150) characters)…\(text.suffix(50))"
    }

    /// A value the user wrote, cut past 80 characters: enough to recognise it, never a wall of digits.
    func clipValue(_ text: String) -> String {
        guard text.count > 80 else { return text }
        return "\(text.prefix(50))…(\(text.count - 70) characters)…\(text.suffix(20))"
    }
}
