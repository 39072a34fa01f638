import ArgumentParser
import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning
import Reporting

struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Plan pools that follow demand over the periods of a day (or any horizon), beside the static plan for the peak.",
        discussion: """
            The scenario's `demand` gives one arrival rate per period (numbers, or a trace binned by period);
            its `schedule` object says what a role change costs (drainSeconds), how many may happen at a
            boundary and whether on-demand machines can be rented by the period (onDemandPriceFactor). One
            GLPK program over all periods chooses the reserved fleet, each period's machines per role and
            on-demand machines, for the least cost (min-cost) or energy (min-power) over the horizon.
            With --verify the best design's schedule is simulated period by period and periods that miss
            an SLO are re-planned for a higher rate. Exit 2 when no schedule is feasible or verified.
            Examples:
              splitplan schedule Scenarios/day-conversation-llama2-70b.json --design splitwise-hh
              splitplan schedule Scenarios/day-conversation-llama2-70b.json --verify --format html --output day.html
              splitplan schedule Scenarios/day-conversation-llama2-70b.json --set schedule.onDemandPriceFactor=2
            """
    )

    @Argument(help: "Scenario file with a demand curve (default: the bundled example day).") var scenario: String?
    @Option(help: "Model id, overriding the scenario's.", completion: CompletionIDs.models) var model: String?
    @OptionGroup var candidates: CandidateOptions
    @Option(help: "Objective: min-cost (the horizon's cost) or min-power (its energy).") var objective: Objective?
    @Option(name: .customLong("cost-cap"), help: ArgumentHelp("Cost cap in every period, USD per hour.", valueName: "USD_PER_HOUR")) var costCap: Double?
    @Option(name: .customLong("power-cap"), help: ArgumentHelp("Power cap in every period, kW of provisioned power.", valueName: "KW")) var powerCap: Double?
    @Flag(help: "Simulate each period of the best schedule; re-plan the periods that miss an SLO.") var verify = false
    @Option(help: "Random seed for the verifying simulations' arrivals.") var seed: UInt64 = 1
    @Option(help: "Seconds of arrivals simulated per period when verifying (default: the scenario's workload duration).") var duration: Double?
    @OptionGroup var limit: RunLimitOptions
    @Flag(name: .customLong("no-timings"), help: "Report solver and simulation times as 0, so repeated runs print identical bytes.")
    var noTimings = false
    @OptionGroup var workload: WorkloadOptions
    @OptionGroup var settings: SettingOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        let deadline = limit.start()
        for (name, value) in [("--cost-cap", costCap), ("--power-cap", powerCap), ("--duration", duration)] {
            if let value, !NumberRule.positive.accepts(value) {
                throw ClusterModelError.invalidValue(path: "command line", jsonPath: name, value: NumberFormatting.compact(value),
                                                     allowed: NumberRule.positive.description)
            }
        }
        let session = try ScenarioSession(path: scenario ?? BundledResources.exampleDayScenario().path, catalogOptions: catalogOptions,
                                          trace: workload.trace, settings: try settings.overrides())
        let chosen = try candidates.apply(to: session.scenario, catalog: session.catalog)
        guard let demand = chosen.demand else {
            throw ClusterModelError.missingKey(path: chosen.file.path, jsonPath: "demand",
                                               expected: "a demand curve {periodSeconds, ratesPerSecond, source} or {periodSeconds, trace}: a schedule follows it")
        }
        if let model { _ = try session.catalog.model(ModelID(model), file: "command line", jsonPath: "--model") }
        let rates = try demand.ratesPerSecond(traces: session.traces, file: chosen.file.path)
        let design = candidates.designList.flatMap { $0.count == 1 ? $0[0] : nil }
        let budget = (costCap != nil || powerCap != nil)
            ? Budget(costPerHourUSD: costCap ?? chosen.budget.costPerHourUSD, powerKW: powerCap ?? chosen.budget.powerKW) : nil
        let plan = PlanRequest(scenario: chosen, traces: session.traces, design: design, objective: objective, budget: budget, model: model.map(ModelID.init))
        var request = ScheduleRequest(plan: plan, ratesPerSecond: rates, periodSeconds: demand.periodSeconds, settings: chosen.schedule)
        request.periodWorkloads = demand.periodWorkloads(count: rates.count)
        let planner = ProvisioningPlanner(catalog: session.catalog, solver: GLPKSolver(), options: .within(deadline))
        var schedules = try planner.schedulesConcurrently(request)
        var verification: ScheduleVerifier.Outcome?
        if verify, let best = schedules.first, best.feasible {
            request.plan.design = Design(rawValue: best.design)
            var simulation = ScenarioSimulation(scenario: chosen, catalog: session.catalog, traces: session.traces,
                                                model: model.map(ModelID.init), durationSeconds: duration, seed: seed)
            simulation.deadline = deadline
            let outcome = try ScheduleVerifier(planner: planner, simulation: simulation).verify(request)
            schedules[0] = outcome.schedule
            verification = outcome
        }
        if noTimings {
            for index in schedules.indices { schedules[index].solver.seconds = 0 }
            verification?.wallSeconds = 0
            verification?.schedule.solver.seconds = 0
        }
        let report = ScheduleReport(scenario: chosen.name, periodSeconds: demand.periodSeconds, demandRatesPerSecond: rates,
                                    demandSource: demand.source, schedules: schedules,
                                    verification: verification.map { ScheduleReport.Verification($0) })
        try output.write(text: ScheduleText.render(report, markdown: false), markdown: ScheduleText.render(report, markdown: true),
                         tables: ScheduleText.tables(report), json: report,
                         provenance: Provenance(catalog: session.catalog, inputs: session.inputs, settings: settings.settings),
                         title: "SplitPlan schedule: \(report.scenario)") { ScheduleText.html(report) }
        if let best = schedules.first, best.solver.status == .timeLimit || (best.feasible && best.solver.status == .feasible) {
            throw ExitCode(ExitStatus.timeLimit)
        }
        if !(schedules.first?.feasible ?? false) || verification?.verified == false { throw ExitCode(ExitStatus.infeasible) }
    }
}

/// `splitplan schedule`'s report: every design's schedule, best first, and the best one's verification.
struct ScheduleReport: Encodable {
    var scenario: String
    var periodSeconds: Double
    var demandRatesPerSecond: [Double]
    var demandSource: String
    var schedules: [Schedule]
    @NullEncodable var verification: Verification?

    /// How the first schedule was verified (its periods carry the SLO results).
    struct Verification: Codable, Equatable, Sendable {
        var verified: Bool
        var rounds: Int
        var simulatedSecondsPerPeriod: Double
        var seed: UInt64
        var wallSeconds: Double

        init(_ outcome: ScheduleVerifier.Outcome) {
            self.init(verified: outcome.verified, rounds: outcome.rounds, simulatedSecondsPerPeriod: outcome.simulatedSecondsPerPeriod,
                      seed: outcome.seed, wallSeconds: outcome.wallSeconds)
        }

        init(verified: Bool, rounds: Int, simulatedSecondsPerPeriod: Double, seed: UInt64, wallSeconds: Double) {
            self.verified = verified
            self.rounds = rounds
            self.simulatedSecondsPerPeriod = simulatedSecondsPerPeriod
            self.seed = seed
            self.wallSeconds = wallSeconds
        }
    }
}
