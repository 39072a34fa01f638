import ClusterModel

/// Pools that follow demand over a horizon of periods, as `splitplan schedule` reports them, beside the
/// static plan for the peak. Stable JSON keys.
public struct Schedule: Sendable, Codable, Equatable {
    public struct MachineCount: Sendable, Codable, Equatable {
        public var machine: String
        public var count: Int
    }

    public struct Period: Sendable, Codable, Equatable {
        public var index: Int
        public var startSeconds: Double
        /// The demand curve's rate, and the rate planned for (higher after a period missed in simulation).
        public var ratePerSecond: Double
        public var plannedRatePerSecond: Double
        /// Machines assigned to each role (those arriving drain their old work first).
        public var pools: [PoolCount]
        public var onDemand: [MachineCount]
        /// Machines that took a new role at the start of this period.
        public var roleChanges: Int
        /// Reserved fleet plus this period's on-demand machines, per hour; provisioned power of the assigned machines.
        public var costPerHourUSD: Double
        public var powerKW: Double
        /// Set by verification: whether a simulation of the period met every SLO, and which it missed.
        @NullEncodable public var sloMet: Bool?
        public var missedSLOs: [String] = []
    }

    /// The best single plan for the peak rate, kept all horizon: the figure a schedule must beat.
    public struct StaticPlan: Sendable, Codable, Equatable {
        public var pools: [PoolCount]
        public var peakRatePerSecond: Double
        public var costPerHourUSD: Double
        public var powerKW: Double
        public var costUSD: Double
        public var energyKWh: Double

        public func figure(_ objective: Objective) -> Double { objective == .minCost ? costUSD : energyKWh }
    }

    public struct Solver: Sendable, Codable, Equatable {
        public var backend: String
        public var status: SolveStatus
        /// Seconds in the solver over every program solved (headroom levels, pool-size rounds, re-plans).
        public var seconds: Double
        @NullEncodable public var gap: Double?
        public var variables: Int
        public var constraints: Int
        public var solves: Int
    }

    public var feasible: Bool
    public var design: String
    public var objective: String
    public var model: String
    public var periodSeconds: Double
    public var horizonHours: Double
    public var reserved: [MachineCount]
    public var periods: [Period]
    /// Over the horizon: reserved machines all horizon, on-demand ones in their periods; energy at the
    /// provisioned power of the machines assigned a role (unassigned ones are off).
    public var costUSD: Double
    public var energyKWh: Double
    @NullEncodable public var staticPlan: StaticPlan?
    /// (static − schedule) / static, in percent.
    @NullEncodable public var costSavingPercent: Double?
    @NullEncodable public var energySavingPercent: Double?
    /// True when no adaptive schedule beat the static plan, which is then the schedule.
    public var followsStaticPlan: Bool
    public var note: String
    public var solver: Solver
}

extension Schedule {
    /// What the objective minimises over the horizon: its cost (min-cost) or its energy (min-power).
    public func figure(_ objective: Objective) -> Double { objective == .minCost ? costUSD : energyKWh }

    /// Fills in the totals and the savings against the static plan from the periods.
    mutating func total() {
        let hours = periodSeconds / 3600
        costUSD = periods.reduce(0) { $0 + $1.costPerHourUSD * hours }
        energyKWh = periods.reduce(0) { $0 + $1.powerKW * hours }
        if let staticPlan {
            costSavingPercent = staticPlan.costUSD > 0 ? 100 * (1 - costUSD / staticPlan.costUSD) : nil
            energySavingPercent = staticPlan.energyKWh > 0 ? 100 * (1 - energyKWh / staticPlan.energyKWh) : nil
        }
    }

    /// Every period's pools as `simulate --pool` arguments.
    public func poolSummary(_ period: Period) -> String {
        period.pools.map { "\($0.role.rawValue):\($0.optionLabel)=\($0.count)" }.joined(separator: " ")
    }
}
