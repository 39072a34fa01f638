import ArgumentParser
import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning
import Reporting

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Find the pool mix (machines per role) that meets the SLOs at the least cost or power.",
        discussion: """
            Solves an integer program with GLPK for each design the scenario names (or --designs) and
            reports the best. Exit 2 when no plan is feasible: the report says which constraints bind
            and the least relaxation (cost cap, power cap or rate) that would make it feasible.
            Examples:
              splitplan plan
              splitplan plan Scenarios/splitwise-conversation-llama2-70b.json --design splitwise-hh
              splitplan plan Scenarios/quickstart.json --objective max-throughput --cost-cap 1520 --format json
              splitplan plan Scenarios/quickstart.json --emit-lp model.lp
            """
    )

    @Argument(help: "Scenario file (default: the bundled quick-start scenario).") var scenario: String?
    @Option(help: "Model id, overriding the scenario's.", completion: CompletionIDs.models) var model: String?
    @OptionGroup var candidates: CandidateOptions
    @Option(help: "Objective: min-cost, min-power or max-throughput.") var objective: Objective?
    @Option(name: .customLong("cost-cap"), help: ArgumentHelp("Cost cap, USD per hour.", valueName: "USD_PER_HOUR")) var costCap: Double?
    @Option(name: .customLong("power-cap"), help: ArgumentHelp("Power cap, kW of provisioned power.", valueName: "KW")) var powerCap: Double?
    @Option(help: ArgumentHelp("Arrival rate, requests per second.", valueName: "REQ_PER_S")) var rate: Double?
    @OptionGroup var limit: RunLimitOptions
    @Option(name: .customLong("emit-lp"), help: ArgumentHelp("Also write the chosen design's model in CPLEX LP format.", valueName: "FILE"))
    var emitLP: String?
    @Flag(help: "Simulate the plan; grow it until the SLOs are met, then shrink each pool to its least passing count.")
    var verify = false
    @Option(help: "Random seed for the verifying simulation's arrivals.") var seed: UInt64 = 1
    @Flag(name: .customLong("no-timings"), help: "Report solver and simulation times as 0, so repeated runs print identical bytes.")
    var noTimings = false
    @OptionGroup var workload: WorkloadOptions
    @OptionGroup var settings: SettingOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        let deadline = limit.start()
        for (name, value, rule) in [("--cost-cap", costCap, NumberRule.positive), ("--power-cap", powerCap, .positive), ("--rate", rate, .ratePerSecond)] {
            if let value, !rule.accepts(value) {
                throw ClusterModelError.invalidValue(path: "command line", jsonPath: name, value: NumberFormatting.compact(value),
                                                     allowed: rule.description)
            }
        }
        let session = try ScenarioSession(path: scenario, catalogOptions: catalogOptions, trace: workload.trace, settings: try settings.overrides())
        let chosen = try candidates.apply(to: session.scenario, catalog: session.catalog)
        // One design asked for is planned as that design; several as the scenario's list.
        let design = candidates.designList.flatMap { $0.count == 1 ? $0[0] : nil }
        let budget = (costCap != nil || powerCap != nil)
            ? Budget(costPerHourUSD: costCap ?? session.scenario.budget.costPerHourUSD, powerKW: powerCap ?? session.scenario.budget.powerKW) : nil
        var request = PlanRequest(scenario: chosen, traces: session.traces, design: design, objective: objective,
                                  budget: budget, ratePerSecond: rate, model: model.map(ModelID.init))
        // Only JSON shows every design's predicted latencies; the other formats show the best plan's.
        request.predictedLatencies = output.format == .json ? .everyPlan : .bestPlan
        if let model { _ = try session.catalog.model(ModelID(model), file: "command line", jsonPath: "--model") }
        let planner = ProvisioningPlanner(catalog: session.catalog, solver: GLPKSolver(), options: .within(deadline))
        var plans = try planner.plan(request)
        var verification: PlanVerifier.Outcome?
        if verify, plans.first?.feasible == true {
            var simulation = ScenarioSimulation(scenario: chosen, catalog: session.catalog, traces: session.traces,
                                                model: model.map(ModelID.init), ratePerSecond: rate, seed: seed)
            simulation.deadline = deadline
            var verifying = request
            verifying.design = plans.first.flatMap { Design(rawValue: $0.design) }
            let outcome = try PlanVerifier(planner: planner, simulation: simulation).verify(verifying)
            if let final = outcome.final { plans[0] = final.plan }
            verification = outcome
        }
        if noTimings {
            for index in plans.indices { plans[index].solver.seconds = 0 }
            verification?.zeroTimings()
        }
        if let emitLP, let best = plans.first {
            try LPExport.write(planner: planner, request: request, design: best.design, to: emitLP, force: output.force)
        }
        let report = PlanReport(scenario: session.scenario.name, plans: plans, verification: verification)
        try output.write(text: PlanText.render(report, markdown: false), markdown: PlanText.render(report, markdown: true),
                         tables: [PlanText.poolTable(report)], json: report,
                         provenance: Provenance(catalog: session.catalog, inputs: session.inputs, settings: settings.settings)) { PlanText.html(report) }
        if let best = plans.first, best.solver.status == .timeLimit || (best.feasible && best.solver.status == .feasible) {
            throw ExitCode(ExitStatus.timeLimit)
        }
        if !(plans.first?.feasible ?? false) || verification?.verified == false { throw ExitCode(ExitStatus.infeasible) }
    }
}

extension Objective: ExpressibleByArgument {}
