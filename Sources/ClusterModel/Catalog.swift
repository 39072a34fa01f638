/// The hardware and model catalogue: GPUs, machines and models by id.
public struct Catalog: Sendable, Equatable {
    public var gpus: [GPUID: GPUSpec]
    public var machines: [MachineID: MachineSpec]
    public var models: [ModelID: ModelSpec]
    /// Where each entry was loaded from, for error messages.
    public var origins: [String: String]

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
