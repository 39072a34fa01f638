import ClusterModel
import Planning
import Reporting

enum CapacityText {
    static func poolSummary(_ pools: [PoolCount]) -> String {
        pools.map { "\($0.role.rawValue):\($0.machine)\($0.powerCap < 1 ? "@\($0.powerCap)" : "")=\($0.count)" }.joined(separator: " ")
    }

    /// The cost line, then the simulated capacity (and, when searched, the capacity without borrowing)
    /// and the planner's prediction against each: the text report's head and the HTML page's summary.
    static func summaryLines(_ report: CapacityReport) -> [String] {
        let splitPools = report.pools.contains { $0.role != .mixed }
        let borrowing = report.borrowing ? " with borrowing" : splitPools ? " without borrowing" : ""
        var lines = ["\(Format.fixed(report.costPerHourUSD, 2)) USD/h, \(Format.fixed(report.powerKW, 1)) kW provisioned",
                     "simulated capacity  " + outcomeSummary(report.simulated, borrowing: borrowing)]
        if let without = report.simulatedWithoutBorrowing {
            lines.append("simulated capacity  " + outcomeSummary(without, borrowing: " without borrowing"))
        }
        var predicted = "planner's prediction \(Format.fixed(report.predictedRequestsPerSecond, 2)) req/s"
        if let error = report.predictionErrorPercent { predicted += " (\(signed(error)) % against simulation\(borrowing)" }
        if let error = report.predictionErrorWithoutBorrowingPercent { predicted += ", \(signed(error)) % without: what the planner models" }
        if report.predictionErrorPercent != nil { predicted += ")" }
        return lines + [predicted] + (report.overload.map(overloadLines) ?? [])
    }

    /// Under overload: each prediction beside what the simulator completed.
    static func overloadLines(_ overload: OverloadComparison) -> [String] {
        func figure(_ predicted: Double, _ simulated: Double, _ error: Double?) -> String {
            "predicted \(Format.fixed(predicted, 2)) req/s, simulated \(Format.fixed(simulated, 2))" + (error.map { " (\(signed($0)) %)" } ?? "")
        }
        let head = "under overload (arrivals at \(Format.fixed(overload.arrivalRequestsPerSecond, 2)) req/s for "
            + "\(Format.fixed(overload.durationSeconds, 0)) s, completed requests a second in the measurement window):"
        let with = figure(overload.predicted.withBorrowingRequestsPerSecond, overload.simulatedWithBorrowingRequestsPerSecond,
                          overload.errorWithBorrowingPercent)
        let without = figure(overload.predicted.withoutBorrowingRequestsPerSecond, overload.simulatedWithoutBorrowingRequestsPerSecond,
                             overload.errorWithoutBorrowingPercent)
        guard with != without else { return [head, "  \(with)"] }
        return [head, "  with borrowing    \(with)", "  without borrowing \(without)"]
    }

    private static func outcomeSummary(_ outcome: CapacitySearch.Outcome, borrowing: String) -> String {
        "\(Format.fixed(outcome.requestsPerSecond, 2)) req/s\(borrowing) (median of \(outcome.seeds.count) seeds; "
            + "range \(Format.fixed(outcome.minRequestsPerSecond, 2))–\(Format.fixed(outcome.maxRequestsPerSecond, 2)), "
            + "spread \(Format.fixed(outcome.seedSpreadPercent, 1)) %; bisection to \(Format.fixed(100 * outcome.relativeTolerance, 1)) %; "
            + "\(Format.fixed(outcome.durationSeconds, 0)) s of arrivals each)"
    }

    private static func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + Format.fixed(value, 1) }

    static func render(_ report: CapacityReport) -> String {
        let lines = summaryLines(report)
        let head = "Capacity: \(report.scenario) (\(report.model)), pools \(poolSummary(report.pools))\n\(lines[0])\n\n"
        return head + lines.dropFirst().joined(separator: "\n") + "\n\n" + tables(report).dropFirst().map { $0.text() }.joined(separator: "\n")
    }

    /// The page: the cluster in the title, the summary sentence, the figures one per row (the CSV table
    /// is too wide to read on a page; those not searched left out), then each seed's bracket.
    static func html(_ report: CapacityReport) -> String {
        let capacity = tables(report)[0]
        let figures = ReportTable(title: "Capacity", headers: ["figure", "value"],
                                  rows: zip(capacity.headers, capacity.rows.first ?? []).filter { !$1.isEmpty }.map { [$0, $1] })
        let summary = summaryLines(report).map { "<p>\(HTML.escape($0))</p>" }
        return HTML.document(title: "SplitPlan capacity: \(poolSummary(report.pools))",
                             subtitle: "scenario \(report.scenario), model \(report.model)",
                             body: Array(summary.dropFirst()) + [figures.html()] + tables(report).dropFirst().map { $0.html() })
    }

    /// The summary first (the CSV form), then each seed's bracket (and each seed's without borrowing).
    static func tables(_ report: CapacityReport) -> [ReportTable] {
        let simulated = report.simulated
        return [
            ReportTable(title: "Capacity", headers: ["pools", "costPerHourUSD", "powerKW", "predictedRequestsPerSecond", "simulatedRequestsPerSecond",
                                                     "minRequestsPerSecond", "maxRequestsPerSecond", "seedSpreadPercent", "predictionErrorPercent",
                                                     "borrowing", "simulatedWithoutBorrowingRequestsPerSecond", "predictionErrorWithoutBorrowingPercent",
                                                     "overloadPredictedRequestsPerSecond", "overloadSimulatedRequestsPerSecond",
                                                     "overloadPredictedWithoutBorrowingRequestsPerSecond", "overloadSimulatedWithoutBorrowingRequestsPerSecond"],
                        rows: [[poolSummary(report.pools), Format.fixed(report.costPerHourUSD, 2), Format.fixed(report.powerKW, 2),
                                Format.fixed(report.predictedRequestsPerSecond, 3), Format.fixed(simulated.requestsPerSecond, 3),
                                Format.fixed(simulated.minRequestsPerSecond, 3), Format.fixed(simulated.maxRequestsPerSecond, 3),
                                Format.fixed(simulated.seedSpreadPercent, 2), report.predictionErrorPercent.map { Format.fixed($0, 2) } ?? "",
                                "\(report.borrowing)", report.simulatedWithoutBorrowing.map { Format.fixed($0.requestsPerSecond, 3) } ?? "",
                                report.predictionErrorWithoutBorrowingPercent.map { Format.fixed($0, 2) } ?? ""] + overloadCells(report.overload)]),
            seedTable("Seeds", simulated),
        ] + (report.simulatedWithoutBorrowing.map { [seedTable("Seeds without borrowing", $0)] } ?? [])
    }

    private static func overloadCells(_ overload: OverloadComparison?) -> [String] {
        guard let overload else { return ["", "", "", ""] }
        return [overload.predicted.withBorrowingRequestsPerSecond, overload.simulatedWithBorrowingRequestsPerSecond,
                overload.predicted.withoutBorrowingRequestsPerSecond, overload.simulatedWithoutBorrowingRequestsPerSecond].map { Format.fixed($0, 3) }
    }

    private static func seedTable(_ title: String, _ outcome: CapacitySearch.Outcome) -> ReportTable {
        ReportTable(title: title, headers: ["seed", "passing req/s", "failing req/s", "simulations"],
                    rows: outcome.seeds.map { ["\($0.seed)", Format.fixed($0.passingRequestsPerSecond, 3),
                                               $0.failingRequestsPerSecond.map { Format.fixed($0, 3) } ?? "-", "\($0.simulations)"] })
    }
}
