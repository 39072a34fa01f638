import ClusterModel

/// The answer to a provisioning question, as `splitplan plan` reports it. Stable JSON keys.
public struct ProvisioningPlan: Sendable, Codable, Equatable {
    public struct Pool: Sendable, Codable, Equatable {
        public var role: Role
        public var machine: String
        public var count: Int
        public var powerCap: Double
        /// Share of the pool's machine time busy at the planned rate, and the cap the SLOs allow.
        public var utilisation: Double
        public var utilisationCap: Double
        /// Decode batch per instance (token and mixed pools).
        @NullEncodable public var decodeBatch: Int?
        /// The pool's share of the plan's cost and provisioned power: count × the machine's price and power at its cap.
        public var costPerHourUSD: Double
        public var powerKW: Double
    }

    public struct Solver: Sendable, Codable, Equatable {
        public var backend: String
        public var status: SolveStatus
        public var seconds: Double
        @NullEncodable public var gap: Double?
        @NullEncodable public var objectiveValue: Double?
        public var variables: Int
        public var constraints: Int
        /// Programs solved to reach this plan (every headroom level, pool-size round and check); `seconds` is their total.
        public var solves: Int
    }

    public struct Latency: Sendable, Codable, Equatable {
        public var metric: String
        public var percentile: String
        /// Predicted percentile of the slowdown (or of seconds, for absolute targets) and the target.
        public var predicted: Double
        public var target: Double
        public var unit: String
        public var met: Bool
    }

    /// For an infeasible question: the least relaxation that makes it feasible.
    public struct Relaxation: Sendable, Codable, Equatable {
        @NullEncodable public var costPerHourUSD: Double?
        @NullEncodable public var powerKW: Double?
        @NullEncodable public var maxRequestsPerSecond: Double?
        public var note: String
    }

    public var feasible: Bool
    public var design: String
    public var objective: String
    public var model: String
    public var pools: [Pool]
    public var costPerHourUSD: Double
    public var powerKW: Double
    /// The rate planned for: the scenario's, or the largest the caps allow under max-throughput.
    public var requestsPerSecond: Double
    /// The largest rate these pools sustain within their utilisation caps.
    public var sustainableRequestsPerSecond: Double
    public var workloadClasses: Int
    public var latencies: [Latency]
    public var bindingConstraints: [String]
    @NullEncodable public var relaxation: Relaxation?
    /// What the pools complete a second when arrivals outrun them, with and without borrowing (null
    /// without a plan).
    @NullEncodable public var overload: OverloadThroughput?
    public var solver: Solver
}

extension ProvisioningPlan.Pool {
    /// `prompt:dgx-h100=25`, `token:dgx-h100@0.7=15`: the form `simulate --pool` takes.
    public var label: String { "\(role.rawValue):\(machine)\(powerCap < 1 ? "@\(powerCap)" : "")=\(count)" }
}

extension ProvisioningPlan {
    /// The pools as counts: the cluster to simulate or to hold fixed.
    public var poolCounts: [PoolCount] {
        pools.map { PoolCount(role: $0.role, machine: MachineID($0.machine), powerCap: $0.powerCap, count: $0.count) }
    }

    /// All pools as `simulate --pool` arguments would name them.
    public var poolSummary: String { pools.map(\.label).joined(separator: " ") }
}

extension ProvisioningPlan {
    /// The same plan with its predicted latencies.
    func withLatencies(_ latencies: [Latency]) -> ProvisioningPlan {
        var plan = self
        plan.latencies = latencies
        return plan
    }
}
