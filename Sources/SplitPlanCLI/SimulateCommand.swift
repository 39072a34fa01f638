import ArgumentParser
import ClusterModel
import Foundation
import Planning
import Reporting
import Simulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a cluster on a scenario's workload and measure latencies against its SLOs.",
        discussion: """
            The cluster comes from a plan (--plan, the JSON that `plan --format json` writes) or from pools
            (--pool ROLE:MACHINE[@CAP]=COUNT, repeated). The same seed gives byte-identical output with
            --no-timings. Exit 2 when an SLO is missed.
            Examples:
              splitplan simulate --pool prompt:dgx-h100=25 --pool token:dgx-h100=15 --rate 80 --duration 600
              splitplan simulate Scenarios/quickstart.json --pool mixed:dgx-a100=70
              splitplan plan --format json --output plan.json && splitplan simulate --plan plan.json
            """
    )

    @Argument(help: "Scenario file (default: the bundled quick-start scenario).") var scenario: String?
    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Model id, overriding the scenario's.", completion: CompletionIDs.models) var model: String?
    @OptionGroup var workload: WorkloadOptions
    @OptionGroup var settings: SettingOptions
    @Option(help: ArgumentHelp("Arrival rate, requests per second.", valueName: "REQ_PER_S")) var rate: Double?
    @Option(help: "Seconds of arrivals to simulate.") var duration: Double?
    @Option(help: "Random seed for generated arrivals.") var seed: UInt64 = 1
    @Option(name: .customLong("max-requests"), help: "Refuse runs expected to generate more requests than this (memory grows with them).")
    var maxRequests: Int = ScenarioSimulation.defaultMaximumRequests
    @Flag(name: .customLong("no-timings"), help: "Report wall time as 0, so repeated runs print identical bytes.") var noTimings = false
    @OptionGroup var limit: RunLimitOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        guard maxRequests >= 1 else { throw ValidationError("--max-requests must be at least 1") }
    }

    func run() throws {
        let deadline = limit.start()
        let session = try ScenarioSession(path: scenario, catalogOptions: catalogOptions, settings: try settings.overrides())
        for (flag, value, rule) in [("--rate", rate, NumberRule.ratePerSecond), ("--duration", duration, .positive)] {
            if let value, !rule.accepts(value) {
                throw ClusterModelError.invalidValue(path: "command line", jsonPath: flag, value: NumberFormatting.compact(value),
                                                     allowed: rule.description)
            }
        }
        if let model { _ = try session.catalog.model(ModelID(model), file: "command line", jsonPath: "--model") }
        let (pools, planInput) = try cluster.pools(session, model: model)
        // A replayed trace keeps its own times (--rate rescales them); the scenario's workload is not read.
        let replay = try workload.trace.map { try Trace.load(InputFile.url($0)) }
        var simulation = ScenarioSimulation(scenario: session.scenario, catalog: session.catalog, traces: session.traces,
                                            model: model.map(ModelID.init), trace: replay,
                                            ratePerSecond: rate, durationSeconds: duration, seed: seed)
        simulation.maximumRequests = maxRequests
        simulation.borrowing = cluster.borrowing
        simulation.deadline = deadline
        let progress = Progress(total: 1, label: "simulating")
        var result = try simulation.run(pools: pools, progress: progress.fraction)
        progress.finish()
        if noTimings { result.wallSeconds = 0 }
        let provenance = Provenance(catalog: session.catalog,
                                    inputs: session.inputs + [planInput, replay.map { Provenance.Input(path: $0.file, sha256: $0.sha256) }].compactMap { $0 },
                                    settings: settings.settings)
        if output.format == .text {
            try OutputFile.write(SimulationText.render(result, scenario: session.scenario.name,
                                                              reference: session.scenario.slo.referenceMachine?.rawValue), to: output.output, force: output.force)
        } else {
            let tables = SimulationText.tables(result)
            try output.write(tables: tables, json: result, provenance: provenance) {
                SimulationText.html(result, tables: tables, scenario: session.scenario.name, reference: session.scenario.slo.referenceMachine?.rawValue)
            }
        }
        if !result.sloMet { throw ExitCode(ExitStatus.infeasible) }
    }
}
