/// The hardware and model catalogue: GPUs, machines and models by id.
public struct Catalog: Sendable, Equatable {
    public var gpus: [GPUID: GPUSpec]
    public var machines: [MachineID: MachineSpec]
    public var models: [ModelID: ModelSpec]
    /// Where each entry was loaded from, for error messages.
    public var origins: [String: String]
    /// SHA-256 of each entry's file, by "gpu:<id>", "machine:<id>", "model:<id>".
    public var entryDigests: [String: String] = [:]
    /// The overrides applied since loading (`key=value`), in order: part of what the catalogue is.
    public var appliedOverrides: [String] = []

    public init(gpus: [GPUSpec], machines: [MachineSpec], models: [ModelSpec], origins: [String: String] = [:]) {
        self.gpus = Dictionary(gpus.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.machines = Dictionary(machines.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.models = Dictionary(models.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.origins = origins
    }

    public var sortedGPUs: [GPUSpec] { gpus.values.sorted { $0.id < $1.id } }
    public var sortedMachines: [MachineSpec] { machines.values.sorted { $0.id < $1.id } }
    public var sortedModels: [ModelSpec] { models.values.sorted { $0.id < $1.id } }

    /// Looks up an id named at `jsonPath` of `file`; an unknown id is an error listing the known ones.
    public func machine(_ id: MachineID, file: String, jsonPath: String) throws -> MachineSpec {
        guard let machine = machines[id] else {
            throw ClusterModelError.unknownReference(
                path: file, jsonPath: jsonPath, id: id.rawValue, kind: "machine", known: machines.keys.sorted().map(\.rawValue))
        }
        return machine
    }

    public func model(_ id: ModelID, file: String, jsonPath: String) throws -> ModelSpec {
        guard let model = models[id] else {
            throw ClusterModelError.unknownReference(
                path: file, jsonPath: jsonPath, id: id.rawValue, kind: "model", known: models.keys.sorted().map(\.rawValue))
        }
        return model
    }

    public func gpu(_ id: GPUID, file: String, jsonPath: String) throws -> GPUSpec {
        guard let gpu = gpus[id] else {
            throw ClusterModelError.unknownReference(
                path: file, jsonPath: jsonPath, id: id.rawValue, kind: "GPU", known: gpus.keys.sorted().map(\.rawValue))
        }
        return gpu
    }

    /// The GPU a machine is built from; loading guarantees it exists.
    public func gpu(of machine: MachineSpec) throws -> GPUSpec {
        try gpu(machine.gpu, file: origins["machine:\(machine.id)"] ?? "catalogue", jsonPath: "gpu")
    }
}

extension Catalog {
    /// One digest for the catalogue as used: every entry's file digest (by kind and id, sorted) and the
    /// overrides applied to it. Two runs with the same digest planned over the same figures.
    public var digest: String {
        var hasher = SHA256()
        for key in entryDigests.keys.sorted() where isCurrent(key) { hasher.update("\(key) \(entryDigests[key] ?? "")\n") }
        for override in appliedOverrides { hasher.update("set \(override)\n") }
        return hasher.hexDigest()
    }

    /// Whether a digest's key names an entry the catalogue holds.
    private func isCurrent(_ key: String) -> Bool {
        let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        switch parts[0] {
        case "gpu": return gpus[GPUID(parts[1])] != nil
        case "machine": return machines[MachineID(parts[1])] != nil
        case "model": return models[ModelID(parts[1])] != nil
        default: return false
        }
    }
}
