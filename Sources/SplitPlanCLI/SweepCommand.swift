import ArgumentParser
import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning
import Reporting

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep a cost cap, power cap or rate range: the Pareto frontier of throughput against cost or power per design.",
        discussion: """
            Give one range, LOW...HIGH, with --steps points. Under a cap each design gets the largest rate it allows;
            at a rate, the cheapest pools.
            Examples:
              splitplan sweep Scenarios/splitwise-coding-llama2-70b-iso-cost.json --cost-cap 500...3000 --steps 26
              splitplan sweep --power-cap 100...400 --steps 7 --designs splitwise-hh,baseline-h100 --format html --output frontier.html
              splitplan sweep --rate 5...50 --steps 10 --format csv
            """
    )

    @Argument(help: "Scenario file (default: the bundled quick-start scenario).") var scenario: String?
    @Option(name: .customLong("cost-cap"), help: ArgumentHelp("Cost caps to sweep, USD/h.", valueName: "LOW...HIGH")) var costCap: String?
    @Option(name: .customLong("power-cap"), help: ArgumentHelp("Power caps to sweep, kW.", valueName: "LOW...HIGH")) var powerCap: String?
    @Option(help: ArgumentHelp("Arrival rates to sweep, requests per second.", valueName: "LOW...HIGH")) var rate: String?
    @Option(help: "Points in the range, 2 to 200.") var steps: Int = 11
    @OptionGroup var candidates: CandidateOptions
    @Flag(name: .customLong("no-timings"), help: "Accepted for symmetry with other commands: this report has no timings.") var noTimings = false
    @OptionGroup var limit: RunLimitOptions
    @OptionGroup var workload: WorkloadOptions
    @OptionGroup var settings: SettingOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        guard [costCap, powerCap, rate].compactMap({ $0 }).count == 1 else { throw ValidationError("give exactly one of --cost-cap, --power-cap or --rate") }
        guard (2...200).contains(steps) else { throw ValidationError("--steps must be from 2 to 200") }
    }

    func run() throws {
        let deadline = limit.start()
        let (axis, text, flag): (SweepAxis, String, String) = costCap.map { (.costCap, $0, "--cost-cap") }
            ?? powerCap.map { (.powerCap, $0, "--power-cap") } ?? (.rate, rate ?? "", "--rate")
        let bounds = text.components(separatedBy: "...").compactMap { Double($0) }
        guard bounds.count == 2, NumberRule.positive.accepts(bounds[0]), NumberRule.positive.accepts(bounds[1]), bounds[0] < bounds[1] else {
            throw ClusterModelError.invalidValue(path: "command line", jsonPath: flag, value: "\"\(text)\"", allowed: "LOW...HIGH with 0 < LOW < HIGH, e.g. 500...3000")
        }
        let session = try ScenarioSession(path: scenario, catalogOptions: catalogOptions, trace: workload.trace, settings: try settings.overrides())
        let scenario = try candidates.apply(to: session.scenario, catalog: session.catalog)
        let list = scenario.designs
        let progress = Progress(total: list.count * steps, label: "sweeping")
        let points = try Sweep(planner: ProvisioningPlanner(catalog: session.catalog, solver: GLPKSolver(),
                                                       options: .within(deadline)))
            .run(scenario: scenario, traces: session.traces, designs: list, axis: axis,
                 values: Sweep.values(from: bounds[0], to: bounds[1], steps: steps), progress: progress.step)
        progress.finish()
        let table = ReportTable(title: "Sweep of \(axis.rawValue) (\(axis.unit)): * marks the Pareto frontier per design",
                                headers: ["design", axis.rawValue, "feasible", "req/s", "USD/h", "kW", "frontier", "pools"],
                                rows: points.map { point in
                                    [point.design, Format.fixed(point.value, 2), point.feasible ? "yes" : "no", Format.fixed(point.requestsPerSecond, 2),
                                     Format.fixed(point.costPerHourUSD, 2), Format.fixed(point.powerKW, 1), point.onFrontier ? "*" : "", point.pools]
                                })
        let winners = SweepWinner.stretches(points, axis: axis, byPower: scenario.objective == .minPower)
        let criterion = axis == .rate ? (scenario.objective == .minPower ? "the lowest power" : "the lowest cost") : "the most requests per second"
        let winnerTable = ReportTable(title: "Which design wins where (\(criterion))", headers: ["from \(axis.unit)", "to \(axis.unit)", "design"],
                                      rows: winners.map { [Format.fixed($0.fromValue, 2), Format.fixed($0.toValue, 2), $0.design ?? "none feasible"] })
        try output.write(tables: [winnerTable, table], json: SweepReport(winners: winners, points: points),
                         provenance: Provenance(catalog: session.catalog, inputs: session.inputs, settings: settings.settings)) {
            let byPower = axis == .powerCap
            let lines = Dictionary(grouping: points.filter(\.onFrontier), by: \.design).sorted { $0.key < $1.key }.map { design, frontier in
                SVGChart.Line(name: design, points: frontier.map { (x: byPower ? $0.powerKW : $0.costPerHourUSD, y: $0.requestsPerSecond) })
            }
            let chart = SVGChart.lines(title: "Pareto frontier: throughput against \(byPower ? "power" : "cost")",
                                       xLabel: byPower ? "provisioned power (kW)" : "cost (USD/h)", yLabel: "req/s", lines: lines)
            return HTML.document(title: "SplitPlan sweep: \(session.scenario.name)",
                                 subtitle: "\(axis.rawValue) from \(Format.fixed(bounds[0], 1)) to \(Format.fixed(bounds[1], 1)) \(axis.unit) in \(steps) steps",
                                 body: [winnerTable.html(), HTML.figure(chart, caption: "Each design's frontier: no cheaper plan of it serves more."), table.html()])
        }
    }
}

/// The sweep as JSON: which design wins where, and every point.
struct SweepReport: Encodable {
    var winners: [SweepWinner]
    var points: [SweepPoint]
}
