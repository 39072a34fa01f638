import ClusterModel
import Throughput

/// One pool of identical machines in the simulated cluster.
public typealias PoolSpec = PoolCount

/// How the simulated cluster schedules: the scenario's `scheduler` settings, one type for both.
public typealias SchedulerSettings = SchedulerPolicy

/// A pool as the simulator runs it: its step-time model, KV memory per instance and power per phase.
public struct SimulatedPool: Sendable {
    public var spec: PoolSpec
    public var performance: any PerformanceModel
    public var kvCapacityTokens: Int
    public var instancesPerMachine: Int
    public var promptKW: Double
    public var tokenKW: Double
    public var idleKW: Double

    public init(spec: PoolSpec, performance: any PerformanceModel, kvCapacityTokens: Int, instancesPerMachine: Int = 1,
                promptKW: Double = 0, tokenKW: Double = 0, idleKW: Double = 0) {
        self.spec = spec
        self.performance = performance
        self.kvCapacityTokens = kvCapacityTokens
        self.instancesPerMachine = instancesPerMachine
        self.promptKW = promptKW
        self.tokenKW = tokenKW
        self.idleKW = idleKW
    }

    /// The pool resolved against the catalogue with the roofline model.
    public init(_ spec: PoolSpec, model: ModelSpec, catalog: Catalog, tensorParallel: Int?) throws {
        let machine = try catalog.machine(spec.machine, file: "cluster", jsonPath: "pools")
        let deployment = try Deployment(model: model, machine: machine, catalog: catalog, tensorParallel: tensorParallel,
                                        powerCapFraction: spec.powerCap)
        let power = PowerModel(deployment)
        self.spec = spec
        performance = RooflineModel(deployment)
        kvCapacityTokens = MemoryModel(deployment).kvCapacityTokens
        instancesPerMachine = deployment.instancesPerMachine
        promptKW = power.promptKW
        tokenKW = power.tokenKW
        idleKW = power.idleKW
    }
}
