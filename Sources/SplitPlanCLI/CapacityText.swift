import ClusterModel
import Planning
import Reporting

enum CapacityText {
    static func poolSummary(_ pools: [PoolCount]) -> String {
        pools.map { "\($0.role.rawValue):\($0.machine)\($0.powerCap < 1 ? "@\($0.powerCap)" : "")=\($0.count)" }.joined(separator: " ")
    }

    /// The cost line, then the simulated capacity and the planner's prediction: the text report's head
    /// and the HTML page's summary.
    static func summaryLines(_ report: CapacityReport) -> [String] {
        let simulated = report.simulated
        var capacity = "simulated capacity  \(Format.fixed(simulated.requestsPerSecond, 2)) req/s (median of \(simulated.seeds.count) seeds; "
        capacity += "range \(Format.fixed(simulated.minRequestsPerSecond, 2))–\(Format.fixed(simulated.maxRequestsPerSecond, 2)), "
        capacity += "spread \(Format.fixed(simulated.seedSpreadPercent, 1)) %; bisection to \(Format.fixed(100 * simulated.relativeTolerance, 1)) %; "
        capacity += "\(Format.fixed(simulated.durationSeconds, 0)) s of arrivals each)"
        var predicted = "planner's prediction \(Format.fixed(report.predictedRequestsPerSecond, 2)) req/s"
        if let error = report.predictionErrorPercent { predicted += " (\(error >= 0 ? "+" : "")\(Format.fixed(error, 1)) % against simulation)" }
        return ["\(Format.fixed(report.costPerHourUSD, 2)) USD/h, \(Format.fixed(report.powerKW, 1)) kW provisioned", capacity, predicted]
    }

    static func render(_ report: CapacityReport) -> String {
        let lines = summaryLines(report)
        let head = "Capacity: \(report.scenario) (\(report.model)), pools \(poolSummary(report.pools))\n\(lines[0])\n\n"
        return head + lines.dropFirst().joined(separator: "\n") + "\n\n" + tables(report)[1].text()
    }

    /// The page: the cluster in the title, the summary sentence, the figures one per row (the CSV table
    /// is too wide to read on a page), then each seed's bracket.
    static func html(_ report: CapacityReport) -> String {
        let capacity = tables(report)[0]
        let figures = ReportTable(title: "Capacity", headers: ["figure", "value"],
                                  rows: zip(capacity.headers, capacity.rows.first ?? []).map { [$0, $1] })
        let summary = summaryLines(report).map { "<p>\(HTML.escape($0))</p>" }
        return HTML.document(title: "SplitPlan capacity: \(poolSummary(report.pools))",
                             subtitle: "scenario \(report.scenario), model \(report.model)",
                             body: Array(summary.dropFirst()) + [figures.html(), tables(report)[1].html()])
    }

    /// The summary first (the CSV form), then each seed's bracket.
    static func tables(_ report: CapacityReport) -> [ReportTable] {
        let simulated = report.simulated
        return [
            ReportTable(title: "Capacity", headers: ["pools", "costPerHourUSD", "powerKW", "predictedRequestsPerSecond", "simulatedRequestsPerSecond",
                                                     "minRequestsPerSecond", "maxRequestsPerSecond", "seedSpreadPercent", "predictionErrorPercent"],
                        rows: [[poolSummary(report.pools), Format.fixed(report.costPerHourUSD, 2), Format.fixed(report.powerKW, 2),
                                Format.fixed(report.predictedRequestsPerSecond, 3), Format.fixed(simulated.requestsPerSecond, 3),
                                Format.fixed(simulated.minRequestsPerSecond, 3), Format.fixed(simulated.maxRequestsPerSecond, 3),
                                Format.fixed(simulated.seedSpreadPercent, 2), report.predictionErrorPercent.map { Format.fixed($0, 2) } ?? ""]]),
            ReportTable(title: "Seeds", headers: ["seed", "passing req/s", "failing req/s", "simulations"],
                        rows: simulated.seeds.map { ["\($0.seed)", Format.fixed($0.passingRequestsPerSecond, 3),
                                                     $0.failingRequestsPerSecond.map { Format.fixed($0, 3) } ?? "-", "\($0.simulations)"] }),
        ]
    }
}
