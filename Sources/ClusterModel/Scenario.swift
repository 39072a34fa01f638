import Foundation

/// A provisioning question: a model, a workload, SLOs, budgets, an objective and candidate designs.
public struct Scenario: Sendable, Equatable {
    public var file: URL
    public var name: String
    public var description: String
    /// The catalogue directory named by the file, resolved against the file's directory.
    public var catalogDirectory: URL?
    public var model: ModelID
    public var tensorParallel: Int?
    public var workload: Workload
    public var slo: SLOSet
    public var budget: Budget
    public var objective: Objective
    public var designs: [Design]
    public var machines: [MachineID]?
    public var availability: [MachineID: Int]
    /// Catalogue values this scenario replaces, each with its source (e.g. a paper's power accounting).
    public var catalogOverrides: [SettingOverride] = []
    public var scheduler = SchedulerPolicy()
    /// Load over time, for schedules: one rate per period.
    public var demand: DemandCurve?
    /// How a schedule may move machines between roles and rent them by the period.
    public var schedule = ScheduleSettings()
    public var expect: Expectations?
    /// SHA-256 of the file the scenario was read from (empty for one built in code).
    public var sourceSHA256 = ""
}

extension Scenario {
    /// The catalogue with this scenario's `catalogOverrides` applied, in order: what every workflow that
    /// plans or simulates the scenario must use.
    public func applyingCatalogOverrides(to catalog: Catalog) throws -> Catalog {
        try SettingOverride.apply(catalogOverrides, catalog: catalog, scenario: self).0
    }
}

public enum Objective: String, CaseIterable, Sendable, Codable {
    case minCost = "min-cost"
    case minPower = "min-power"
    case maxThroughput = "max-throughput"
}

/// Cluster designs, as in Splitwise: first letter the prompt machine, second the token machine.
public enum Design: String, CaseIterable, Sendable, Codable {
    case auto
    case baselineA100 = "baseline-a100"
    case baselineH100 = "baseline-h100"
    case splitwiseAA = "splitwise-aa"
    case splitwiseHH = "splitwise-hh"
    case splitwiseHA = "splitwise-ha"
    case splitwiseHHcap = "splitwise-hhcap"
}

public struct Budget: Sendable, Equatable {
    public var costPerHourUSD: Double?
    public var powerKW: Double?

    public init(costPerHourUSD: Double? = nil, powerKW: Double? = nil) {
        self.costPerHourUSD = costPerHourUSD
        self.powerKW = powerKW
    }
}

/// What CI expects of a scenario's answer; every member is optional.
public struct Expectations: Sendable, Equatable {
    public init() {}

    public var feasible: Bool?
    public var maxCostPerHourUSD: Double?
    public var maxPowerKW: Double?
    public var minRequestsPerSecond: Double?
    public var design: Design?
    public var sloMetInSimulation: Bool?
    /// Figures of one design as multiples of another's, each design planned on the scenario.
    public var ratios: [DesignRatio] = []
    /// What the best schedule over the scenario's demand curve must achieve.
    public var schedule: ScheduleExpectations?
}

/// `expect.schedule`: bounds on the best design's schedule over the demand curve.
public struct ScheduleExpectations: Sendable, Equatable {
    public var maxCostUSD: Double?
    public var maxEnergyKWh: Double?
    /// Least saving of cost against the static plan for the peak, in percent.
    public var minCostSavingPercent: Double?
    /// Simulate every period (re-planning those that miss) and expect every SLO met in each.
    public var sloMetInEveryPeriod: Bool?

    public init() {}
}

public enum Workload: Sendable, Equatable {
    case trace(TraceWorkload)
    case generated(GeneratedWorkload)

    /// Seconds of arrivals, when the scenario states them (a whole trace's length is known only once read).
    public var arrivalSeconds: Double? {
        switch self {
        case .trace(let replay): return replay.durationSeconds
        case .generated(let generated): return generated.durationSeconds
        }
    }
}

/// Replay of a trace file, optionally sped up (`rateScale` 2 = twice the rate) and windowed.
public struct TraceWorkload: Sendable, Equatable {
    public var file: URL
    public var rateScale: Double
    public var startSeconds: Double
    public var durationSeconds: Double?

    public init(file: URL, rateScale: Double = 1, startSeconds: Double = 0, durationSeconds: Double? = nil) {
        self.file = file
        self.rateScale = rateScale
        self.startSeconds = startSeconds
        self.durationSeconds = durationSeconds
    }
}

public struct GeneratedWorkload: Sendable, Equatable {
    public var arrivals: ArrivalProcess
    public var promptTokens: TokenDistribution
    public var outputTokens: TokenDistribution
    public var durationSeconds: Double

    public init(arrivals: ArrivalProcess, promptTokens: TokenDistribution, outputTokens: TokenDistribution, durationSeconds: Double) {
        self.arrivals = arrivals
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.durationSeconds = durationSeconds
    }
}

public enum ArrivalProcess: Sendable, Equatable {
    case poisson(ratePerSecond: Double)
    /// Gamma inter-arrival times with coefficient of variation `cv` (1 is Poisson; larger is burstier).
    case gamma(ratePerSecond: Double, cv: Double)

    public var ratePerSecond: Double {
        switch self {
        case .poisson(let rate), .gamma(let rate, _): return rate
        }
    }
}

public enum TokenDistribution: Sendable, Equatable {
    case fixed(tokens: Int)
    case uniform(minTokens: Int, maxTokens: Int)
    case lognormal(medianTokens: Double, sigma: Double)
    /// Resampled from a trace file's ContextTokens (for prompts) or GeneratedTokens (for outputs) column.
    case trace(file: URL)
}
