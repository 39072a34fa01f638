import ClusterModel
import Throughput

/// One pool of identical machines in the simulated cluster.
public typealias PoolSpec = PoolCount

/// Scheduling settings, defaulting to Splitwise's.
public struct SchedulerSettings: Sendable, Equatable {
    /// Most prompt tokens batched into one prefill.
    public var promptTokenBudget = 2048
    /// Pending prompt tokens on the least-loaded prompt machine beyond which a request goes to the mixed
    /// pool (and, with borrowing, prompt tokens still to prefill beyond which a mixed instance is full).
    public var mixedOverflowTokens = 4096
    /// Splitwise's machine borrowing between pools: off keeps every instance in its pool.
    public var borrowing = true
    /// Share of its KV memory (held and sent) beyond which the least-loaded token instance overflows.
    public var tokenOverflowKVShare = 0.9
    /// Tokens per KV block (vLLM's default block size).
    public var kvBlockTokens = 16
    /// Preemptions after which a request is protected (Splitwise's bound).
    public var preemptionLimit = 4
    /// Share of KV blocks left free when admitting a request (vLLM's watermark).
    public var admissionReserveFraction = 0.01

    public init() {}

    /// The scenario's scheduler settings.
    public init(_ policy: SchedulerPolicy) {
        promptTokenBudget = policy.promptTokenBudget
        mixedOverflowTokens = policy.promptOverflowTokens
        borrowing = policy.borrowing
        tokenOverflowKVShare = policy.tokenOverflowKVShare
        kvBlockTokens = policy.kvBlockTokens
        preemptionLimit = policy.preemptionLimit
    }
}

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
