import ArgumentParser
import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning
import Reporting
import Simulation

struct CapacityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "The highest arrival rate at which a cluster meets every SLO in simulation, beside the planner's prediction.",
        discussion: """
            For each seed, the rate is bracketed (×1.5 steps from the planner's prediction) and then bisected
            until the highest passing and lowest failing rates are within --tolerance; the capacity is the
            median over seeds, with their spread. Arrivals at every rate share their random numbers, so the
            search moves with the rate, not with the draw. The cluster comes from --plan or --pool.
            Examples:
              splitplan capacity Scenarios/splitwise-coding-llama2-70b-iso-power.json --pool mixed:dgx-a100=62
              splitplan capacity --pool prompt:dgx-h100=25 --pool token:dgx-h100=15 --seeds 5 --format json
              splitplan plan --format json --output plan.json && splitplan capacity --plan plan.json
              splitplan capacity --pool prompt:dgx-h100=13 --pool token:dgx-h100=27 --also-without-borrowing
              splitplan capacity --pool prompt:dgx-h100=15 --pool token:dgx-h100=25 --overload
            """
    )

    @Argument(help: "Scenario file (default: the bundled quick-start scenario).") var scenario: String?
    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Model id, overriding the scenario's.", completion: CompletionIDs.models) var model: String?
    @Option(help: "Seconds of arrivals in each simulation (default: the scenario's).") var duration: Double?
    @Option(help: "Number of seeds (1, 2, ... N); the capacity is their median.") var seeds: Int = 3
    @Option(help: "Relative width at which the bisection stops (0.02 = 2 %).") var tolerance: Double = 0.02
    @Flag(help: "When the cluster borrows, search its capacity again with every machine kept in its pool (what the planner models) and report both.")
    var alsoWithoutBorrowing = false
    @Flag(help: "Also run the cluster with arrivals at twice what the planner predicts it completes under overload (--duration, else 1200 s), with borrowing and without, and report what it completes beside the prediction.")
    var overload = false
    @OptionGroup var limit: RunLimitOptions
    @OptionGroup var workload: WorkloadOptions
    @OptionGroup var settings: SettingOptions
    @Flag(name: .customLong("no-timings"), help: "Accepted for symmetry with other commands: this report has no timings.") var noTimings = false
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        guard (1...32).contains(seeds) else { throw ValidationError("--seeds must be from 1 to 32") }
        guard tolerance >= 0.001, tolerance <= 0.5 else { throw ValidationError("--tolerance must be from 0.001 to 0.5") }
        guard !(alsoWithoutBorrowing && cluster.noBorrowing) else {
            throw ValidationError("--also-without-borrowing compares with a search that borrows: drop --no-borrowing")
        }
    }

    func run() throws {
        let deadline = limit.start()
        let session = try ScenarioSession(path: scenario, catalogOptions: catalogOptions, trace: workload.trace, settings: try settings.overrides())
        if let duration, !NumberRule.positive.accepts(duration) {
            throw ClusterModelError.invalidValue(path: "command line", jsonPath: "--duration", value: NumberFormatting.compact(duration),
                                                 allowed: NumberRule.positive.description)
        }
        if let model { _ = try session.catalog.model(ModelID(model), file: "command line", jsonPath: "--model") }
        let (pools, planInput) = try cluster.pools(session, model: model)
        let request = PlanRequest(scenario: session.scenario, traces: session.traces, model: model.map(ModelID.init))
        let planner = ProvisioningPlanner(catalog: session.catalog, solver: GLPKSolver(), options: .within(deadline))
        var simulation = ScenarioSimulation(scenario: session.scenario, catalog: session.catalog, traces: session.traces,
                                            model: model.map(ModelID.init), durationSeconds: duration)
        simulation.borrowing = cluster.borrowing
        simulation.deadline = deadline
        let search = CapacitySearch(simulation: simulation, seeds: (1...seeds).map(UInt64.init), relativeTolerance: tolerance)
        let report = try CapacityReport(pools: pools, request: request, planner: planner, search: search,
                                        alsoWithoutBorrowing: alsoWithoutBorrowing, overload: overload)
        let tables = CapacityText.tables(report)
        try output.write(text: CapacityText.render(report), tables: tables, json: report,
                         provenance: Provenance(catalog: session.catalog, inputs: session.inputs + (planInput.map { [$0] } ?? []), settings: settings.settings),
                         title: "SplitPlan capacity: \(report.scenario)") { CapacityText.html(report) }
    }
}
