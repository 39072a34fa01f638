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
        public var decodeBatch: Int?
    }

    public struct Solver: Sendable, Codable, Equatable {
        public var backend: String
        public var status: SolveStatus
        public var seconds: Double
        public var gap: Double?
        public var objectiveValue: Double?
        public var variables: Int
        public var constraints: Int
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
        public var costPerHourUSD: Double?
        public var powerKW: Double?
        public var maxRequestsPerSecond: Double?
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
    public var relaxation: Relaxation?
    public var solver: Solver

    private enum CodingKeys: String, CodingKey {
        case feasible, design, objective, model, pools, costPerHourUSD, powerKW, requestsPerSecond, sustainableRequestsPerSecond
        case workloadClasses, latencies, bindingConstraints, relaxation, solver
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(feasible, forKey: .feasible)
        try container.encode(design, forKey: .design)
        try container.encode(objective, forKey: .objective)
        try container.encode(model, forKey: .model)
        try container.encode(pools, forKey: .pools)
        try container.encode(costPerHourUSD, forKey: .costPerHourUSD)
        try container.encode(powerKW, forKey: .powerKW)
        try container.encode(requestsPerSecond, forKey: .requestsPerSecond)
        try container.encode(sustainableRequestsPerSecond, forKey: .sustainableRequestsPerSecond)
        try container.encode(workloadClasses, forKey: .workloadClasses)
        try container.encode(latencies, forKey: .latencies)
        try container.encode(bindingConstraints, forKey: .bindingConstraints)
        try container.encode(relaxation, forKey: .relaxation)
        try container.encode(solver, forKey: .solver)
    }
}

/// Optional figures encode as `null` rather than vanishing, so every report has the same keys.
extension ProvisioningPlan.Pool {
    private enum CodingKeys: String, CodingKey { case role, machine, count, powerCap, utilisation, utilisationCap, decodeBatch }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encode(machine, forKey: .machine)
        try container.encode(count, forKey: .count)
        try container.encode(powerCap, forKey: .powerCap)
        try container.encode(utilisation, forKey: .utilisation)
        try container.encode(utilisationCap, forKey: .utilisationCap)
        try container.encode(decodeBatch, forKey: .decodeBatch)
    }
}

extension ProvisioningPlan.Solver {
    private enum CodingKeys: String, CodingKey { case backend, status, seconds, gap, objectiveValue, variables, constraints }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(backend, forKey: .backend)
        try container.encode(status, forKey: .status)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(gap, forKey: .gap)
        try container.encode(objectiveValue, forKey: .objectiveValue)
        try container.encode(variables, forKey: .variables)
        try container.encode(constraints, forKey: .constraints)
    }
}

extension ProvisioningPlan.Relaxation {
    private enum CodingKeys: String, CodingKey { case costPerHourUSD, powerKW, maxRequestsPerSecond, note }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(costPerHourUSD, forKey: .costPerHourUSD)
        try container.encode(powerKW, forKey: .powerKW)
        try container.encode(maxRequestsPerSecond, forKey: .maxRequestsPerSecond)
        try container.encode(note, forKey: .note)
    }
}
