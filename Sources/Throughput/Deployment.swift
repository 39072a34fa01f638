import ClusterModel

/// A model served on one machine type at a tensor-parallel degree and a power cap:
/// the unit the performance model predicts for. A machine hosts `gpuCount / tensorParallel` instances.
public struct Deployment: Sendable, Equatable {
    public let model: ModelSpec
    public let machine: MachineSpec
    public let gpu: GPUSpec
    public let tensorParallel: Int
    public let powerCap: PowerCap

    /// Validates the combination: TP divides the GPU count and the heads, the cap is one the machine allows,
    /// and the weights fit in the instance's memory.
    public init(model: ModelSpec, machine: MachineSpec, gpu: GPUSpec, tensorParallel: Int? = nil, powerCapFraction: Double = 1) throws {
        let degree = tensorParallel ?? machine.gpuCount
        guard degree >= 1, degree <= machine.gpuCount, machine.gpuCount % degree == 0 else {
            throw ThroughputError.invalidTensorParallel(machine: machine.id.rawValue, gpuCount: machine.gpuCount, requested: degree)
        }
        guard model.queryHeads % degree == 0 else {
            throw ThroughputError.headsNotDivisible(model: model.id.rawValue, queryHeads: model.queryHeads, tensorParallel: degree)
        }
        guard let cap = machine.powerCap(fraction: powerCapFraction) else {
            throw ThroughputError.powerCapNotAllowed(
                machine: machine.id.rawValue, requested: powerCapFraction, allowed: machine.powerCaps.map(\.fraction))
        }
        self.model = model
        self.machine = machine
        self.gpu = gpu
        self.tensorParallel = degree
        self.powerCap = cap
        let memory = MemoryModel(self)
        guard memory.kvCapacityTokens >= 1 else {
            throw ThroughputError.modelDoesNotFit(
                model: model.id.rawValue, machine: machine.id.rawValue, tensorParallel: degree,
                weightGiB: model.weightBytes / 1_073_741_824, usableGiB: memory.usableBytes / 1_073_741_824)
        }
    }

    /// Looks up the machine's GPU in `catalog`.
    public init(model: ModelSpec, machine: MachineSpec, catalog: Catalog, tensorParallel: Int? = nil, powerCapFraction: Double = 1) throws {
        try self.init(model: model, machine: machine, gpu: catalog.gpu(of: machine),
                      tensorParallel: tensorParallel, powerCapFraction: powerCapFraction)
    }

    /// For variants of an already validated deployment.
    init(unchecked model: ModelSpec, machine: MachineSpec, gpu: GPUSpec, tensorParallel: Int, powerCap: PowerCap) {
        self.model = model
        self.machine = machine
        self.gpu = gpu
        self.tensorParallel = tensorParallel
        self.powerCap = powerCap
    }

    public var instancesPerMachine: Int { machine.gpuCount / tensorParallel }
    public var calibration: MachineCalibration { machine.calibration }
}
