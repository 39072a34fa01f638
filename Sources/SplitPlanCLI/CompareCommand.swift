import ArgumentParser
import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning
import Reporting

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare designs, what-if variants or scenarios side by side, with ratios against a baseline.",
        discussion: """
            Each design is planned and its plan simulated (--duration seconds of arrivals, 0 to skip).
            Examples:
              splitplan compare Scenarios/splitwise-coding-llama2-70b-iso-power.json --designs all
              splitplan compare --designs splitwise-hh,baseline-h100 --set machine.dgx-h100.pricePerHourUSD=26 --set workload.rate=40
              splitplan compare Scenarios/splitwise-coding-llama2-70b-iso-cost.json Scenarios/splitwise-conversation-llama2-70b-iso-cost.json --format html --output review.html
            """
    )

    @Argument(help: "Scenario files (default: the bundled quick-start scenario).") var scenarios: [String] = []
    @OptionGroup var candidates: CandidateOptions
    @Option(help: "Design the ratios are against (default: baseline-h100 when compared, else the first).", completion: CompletionIDs.designs) var baseline: String?
    @OptionGroup var settings: SettingOptions
    @OptionGroup var workload: WorkloadOptions
    @Option(name: [.customLong("duration"), .customLong("simulate-seconds")],
            help: "Seconds of arrivals to simulate per plan, as in simulate and capacity; 0 to skip simulation.") var simulateSeconds: Double = 60
    @Flag(name: .customLong("no-timings"), help: "Report solver and simulation times as 0, so repeated runs print identical bytes.")
    var noTimings = false
    @OptionGroup var limit: RunLimitOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        guard simulateSeconds >= 0, simulateSeconds <= Scenario.maximumDurationSeconds else { throw ValidationError("--duration must be from 0 to 31536000") }
    }

    func run() throws {
        let deadline = limit.start()
        let whatIfs = try settings.overrides()
        let sessions = try (scenarios.isEmpty ? [nil] : scenarios.map { Optional($0) }).map { path -> ScenarioSession in
            var session = try ScenarioSession(path: path, catalogOptions: catalogOptions, trace: workload.trace)
            session.scenario = try candidates.apply(to: session.scenario, catalog: session.catalog)
            return session
        }
        let options = SolveOptions.within(deadline)
        var comparison = Comparison(simulationSeconds: simulateSeconds > 0 ? simulateSeconds : nil) {
            ProvisioningPlanner(catalog: $0, solver: GLPKSolver(), options: options)
        }
        comparison.deadline = deadline
        let work = sessions.reduce(0) { $0 + $1.scenario.designs.count } * (whatIfs.isEmpty ? 1 : 2)
        let progress = Progress(total: work, label: "planning")
        // Every what-if is applied before any planning, so a bad value fails at once rather than after the unmodified runs.
        let variants = try sessions.map { session in
            whatIfs.isEmpty ? nil : try SettingOverride.apply(whatIfs, catalog: session.catalog, scenario: session.scenario)
        }
        var questions: [Comparison.Question] = []
        for (session, variant) in zip(sessions, variants) {
            let list = session.scenario.designs
            questions.append(.init(scenario: session.scenario, catalog: session.catalog, traces: session.traces, designs: list,
                                   variant: Comparison.unmodifiedVariant))
            if let (catalog, scenario) = variant {
                questions.append(.init(scenario: scenario, catalog: catalog, traces: session.traces, designs: list,
                                       variant: settings.settings.joined(separator: " ")))
            }
        }
        var rows = try comparison.rows(questions, progress: progress.step)
        progress.finish()
        let reference = try baseline.map { try DesignList.parse($0) }?.first
            ?? (rows.contains { $0.plan.design == Design.baselineH100.rawValue } ? .baselineH100 : Design(rawValue: rows.first?.plan.design ?? "") ?? .auto)
        rows = Comparison.withRatios(rows, baseline: reference)
        if noTimings {
            for index in rows.indices { rows[index].zeroTimings() }
        }
        let tables = CompareReport.tables(rows, baseline: reference, whatIf: !whatIfs.isEmpty)
        let provenance = Provenance(catalogs: sessions.map(\.catalog), inputs: sessions.flatMap(\.inputs), settings: settings.settings)
        try output.write(tables: tables, json: NamedList(name: "rows", items: rows), provenance: provenance) {
            CompareReport.html(rows, tables: tables, baseline: reference, scenarios: sessions.map(\.scenario.name))
        }
    }
}
