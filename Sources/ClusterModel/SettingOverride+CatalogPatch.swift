import Foundation

/// Any catalogue value by its path in the entry's file: `machine.dgx-h100.calibration.computeEfficiency`,
/// `gpu.h100-sxm.memoryGiB`, `model.llama2-70b.layers`, `machine.dgx-a100.powerCaps.1.gpuPowerLimitWatts`.
/// The entry's file is patched and read again by the catalogue loader, so a value obeys exactly the rules
/// it obeys in a file; earlier overrides of the same entry are replayed first.
extension SettingOverride {
    static let entryKinds = ["gpu", "machine", "model"]
    /// Values that identify an entry rather than describe it.
    static let fixedFields: Set<String> = ["id", "schemaVersion", "sources"]

    /// Whether the key names a catalogue entry's value: `<gpu|machine|model>.<id>.<path>`.
    static func isCatalogPatch(_ path: [String]) -> Bool {
        path.count >= 3 && entryKinds.contains(path[0]) && IdentifierSyntax.isValid(path[1])
    }

    func patchCatalog(_ catalog: inout Catalog, path: [String]) throws {
        let kind = path[0], id = path[1], fieldPath = Array(path[2...])
        let entryKey = "\(kind):\(id)"
        guard !Self.fixedFields.contains(fieldPath[0]) else {
            throw bad("a value that describes the entry; \(fieldPath[0]) identifies it and cannot be set")
        }
        switch kind {
        case "gpu": _ = try catalog.gpu(GPUID(id), file: file, jsonPath: idPath)
        case "machine": _ = try catalog.machine(MachineID(id), file: file, jsonPath: idPath)
        default: _ = try catalog.model(ModelID(id), file: file, jsonPath: idPath)
        }
        guard let origin = catalog.origins[entryKey] else {
            throw bad("a typed field (\(Self.catalogKeys)): this \(kind) was not read from a file, so only those can be set")
        }
        var document = try JSONDocument.load(URL(fileURLWithPath: origin), role: "catalogue file").value
        // Earlier overrides of this entry first, so that they stay applied when the file is read again.
        for earlier in catalog.appliedOverrides {
            let parts = earlier.split(separator: "=", maxSplits: 1).map(String.init)
            let earlierPath = parts[0].split(separator: ".").map(String.init)
            guard parts.count == 2, earlierPath.count >= 3, earlierPath[0] == kind, earlierPath[1] == id else { continue }
            document = try Self.patched(document, at: Array(earlierPath[2...]), value: parts[1]) ?? document
        }
        let patched: JSONValue
        do {
            guard let result = try Self.patched(document, at: fieldPath, value: value) else {
                throw bad("a value of \(kind) \(id) (a path into its file, such as \(Self.example(kind)))")
            }
            patched = result
        } catch let mismatch as PatchMismatch {
            throw bad(mismatch.expected)
        }
        let cursor = JSONCursor(file: origin, value: patched)
        do {
            switch kind {
            case "gpu":
                let gpu = try GPUSpec(json: cursor)
                catalog.gpus[gpu.id] = gpu
            case "machine":
                let machine = try MachineSpec(json: cursor)
                _ = try catalog.gpu(machine.gpu, file: file, jsonPath: valuePath)
                catalog.machines[machine.id] = machine
            default:
                let model = try ModelSpec(json: cursor)
                catalog.models[model.id] = model
            }
        } catch let error as ClusterModelError {
            // The loader's verdict on the patched value, told about the command line rather than the file.
            let written = fieldPath.joined(separator: ".")
            switch error {
            case .invalidValue(_, let jsonPath, _, let allowed) where jsonPath == written: throw bad(allowed)
            case .unknownKey(_, let jsonPath, let allowed) where jsonPath == written:
                throw bad("an existing key; \(fieldPath.dropLast().joined(separator: ".").isEmpty ? kind : fieldPath.dropLast().joined(separator: ".")) has \(allowed.joined(separator: ", "))")
            default: throw error
            }
        }
    }

    /// A value that cannot take the place of the one in the file: what it would need to be.
    struct PatchMismatch: Error {
        var expected: String
    }

    /// The document with `value` at `path`, typed like the value it replaces (a number stays a number);
    /// nil when the path does not lead to a value.
    static func patched(_ document: JSONValue, at path: [String], value: String) throws -> JSONValue? {
        guard let head = path.first else {
            switch document {
            case .number:
                guard let number = Double(value), number.isFinite else { throw PatchMismatch(expected: "a number, as in the file") }
                return .number(number)
            case .bool:
                guard value == "true" || value == "false" else { throw PatchMismatch(expected: "true or false, as in the file") }
                return .bool(value == "true")
            case .string, .null: return .string(value)
            case .array, .object: throw PatchMismatch(expected: "a single value: this key holds a list or an object, so name a value inside it")
            }
        }
        switch document {
        case .object(var fields):
            if let current = fields[head] {
                guard let replaced = try patched(current, at: Array(path.dropFirst()), value: value) else { return nil }
                fields[head] = replaced
            } else {
                // An optional key the file leaves out: a number or a boolean as such, else a string.
                guard path.count == 1 else { return nil }
                fields[head] = Double(value).map(JSONValue.number) ?? (value == "true" || value == "false" ? .bool(value == "true") : .string(value))
            }
            return .object(fields)
        case .array(var elements):
            guard let index = Int(head), elements.indices.contains(index),
                  let replaced = try patched(elements[index], at: Array(path.dropFirst()), value: value) else { return nil }
            elements[index] = replaced
            return .array(elements)
        default:
            return nil
        }
    }

    static func example(_ kind: String) -> String {
        switch kind {
        case "gpu": return "memoryGiB"
        case "machine": return "calibration.computeEfficiency or powerCaps.0.gpuPowerLimitWatts"
        default: return "layers"
        }
    }
}
