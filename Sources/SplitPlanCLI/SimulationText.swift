import Reporting
import Simulation

enum SimulationText {
    /// `reference`: the SLO reference machine, named where slowdowns are shown.
    static func render(_ result: SimulationResult, scenario: String, reference: String? = nil) -> String {
        var out = "Simulation: \(scenario)\n"
        out += "\(Format.integer(result.requests)) requests, \(Format.integer(result.completed)) completed, \(Format.integer(result.dropped)) dropped; "
        let window = result.measurementWindow
        out += "throughput \(Format.fixed(result.completedRequestsPerSecond, 2)) req/s completed in the measurement window "
            + "\(Format.fixed(window.startSeconds, 1))–\(Format.fixed(window.endSeconds, 1)) s "
            + "(\(Format.fixed(result.completedRequestsPerSecondWithDrain, 2)) req/s with the drain, over \(Format.fixed(result.simulatedSeconds, 1)) s); "
            + "energy \(Format.fixed(result.energyKWh, 1)) kWh\n"
        for (reason, count) in result.dropReasons.sorted(by: { $0.key < $1.key }) { out += "  dropped \(count): \(reason)\n" }
        out += "KV preemptions: \(Format.integer(result.preemptions)) (\(Format.integer(result.preemptedRequests)) requests preempted, recomputed)\n"
        let borrowings = result.pools.reduce(0) { $0 + $1.borrowings }
        if result.mixedRoutedRequests > 0 || borrowings > 0 {
            out += "mixed pool: \(Format.integer(result.mixedRoutedRequests)) requests served there "
                + "(\(Format.percent(100 * Double(result.mixedRoutedRequests) / Double(max(result.requests, 1))))); "
                + "machines borrowed into it \(Format.integer(borrowings)) times\n"
        }
        var latency = TextTable(title: "\nLatency (seconds)", headers: ["metric", "p50", "p90", "p99"])
        for (name, value) in [("TTFT", result.ttft), ("TBT", result.tbt), ("E2E", result.e2e)] {
            latency.append([name, Format.fixed(value.p50, 4), Format.fixed(value.p90, 4), Format.fixed(value.p99, 4)])
        }
        out += latency.render()
        if !result.slo.isEmpty {
            var slo = TextTable(title: "\nSLOs", headers: ["metric", "percentile", "achieved", "target", "unit", "met"])
            for check in result.slo {
                slo.append([check.metric, check.percentile, check.achieved.map { Format.fixed($0, 3) } ?? "-", Format.fixed(check.target, 3), check.unit, check.met ? "yes" : "NO"])
            }
            out += slo.render()
            if let reference, result.slo.contains(where: { $0.unit == "slowdown" }) {
                out += "slowdown: a request's latency divided by the same request's latency alone on a \(reference) "
                    + "(1.00 = as fast as alone; seconds in the latency table above)\n"
            }
        }
        var pools = TextTable(title: "\nPools", headers: ["role", "machine", "count", "power cap", "prefill", "decode", "borrowed", "mean kW", "kWh"])
        for pool in result.pools {
            pools.append([pool.role.rawValue, pool.machine, "\(pool.count)", Format.fixed(pool.powerCap, 2), Format.percent(100 * pool.prefillUtilisation),
                          Format.percent(100 * pool.decodeUtilisation), Format.percent(100 * pool.borrowedShare),
                          Format.fixed(pool.meanPowerKW, 1), Format.fixed(pool.energyKWh, 1)])
        }
        out += pools.render()
        out += "\nall SLOs met: \(result.sloMet ? "yes" : "NO"); \(Format.integer(result.events)) events in \(Format.fixed(result.wallSeconds, 3)) s\n"
        return out
    }

    /// SLO attainment first (the CSV form), then latency percentiles and pools.
    static func tables(_ result: SimulationResult) -> [ReportTable] {
        [ReportTable(title: "SLOs", headers: ["metric", "percentile", "achieved", "target", "unit", "met"],
                     rows: result.slo.map { [$0.metric, $0.percentile, $0.achieved.map { Format.fixed($0, 4) } ?? "", Format.fixed($0.target, 4), $0.unit, $0.met ? "yes" : "no"] }),
         ReportTable(title: "Latency (seconds)", headers: ["metric", "p50", "p90", "p99"],
                     rows: [("TTFT", result.ttft), ("TBT", result.tbt), ("E2E", result.e2e)].map { [$0.0, Format.fixed($0.1.p50, 4), Format.fixed($0.1.p90, 4), Format.fixed($0.1.p99, 4)] }),
         ReportTable(title: "Throughput (requests per second)", headers: ["windowStartSeconds", "windowEndSeconds", "completedInWindow", "withDrain"],
                     rows: [[Format.fixed(result.measurementWindow.startSeconds, 1), Format.fixed(result.measurementWindow.endSeconds, 1),
                             Format.fixed(result.completedRequestsPerSecond, 4), Format.fixed(result.completedRequestsPerSecondWithDrain, 4)]]),
         ReportTable(title: "Pools", headers: ["role", "machine", "count", "powerCap", "prefillUtilisation", "decodeUtilisation", "borrowedShare", "borrowings",
                                               "meanPowerKW", "energyKWh"],
                     rows: result.pools.map { [$0.role.rawValue, $0.machine, "\($0.count)", Format.fixed($0.powerCap, 2), Format.fixed($0.prefillUtilisation, 4),
                                                Format.fixed($0.decodeUtilisation, 4), Format.fixed($0.borrowedShare, 4), "\($0.borrowings)",
                                                Format.fixed($0.meanPowerKW, 2), Format.fixed($0.energyKWh, 3)] }),
         ReportTable(title: "KV preemptions and the mixed pool", headers: ["preemptions", "preemptedRequests", "mixedRoutedRequests"],
                     rows: [["\(result.preemptions)", "\(result.preemptedRequests)", "\(result.mixedRoutedRequests)"]])]
    }

    /// The cluster simulated, as its title names it: `25 × prompt dgx-h100, 15 × token dgx-h100@0.7`.
    static func clusterName(_ result: SimulationResult) -> String {
        result.pools.map { "\($0.count) × \($0.role.rawValue) \($0.machine)\($0.powerCap < 1 ? "@\(Format.fixed($0.powerCap, 2))" : "")" }
            .joined(separator: ", ")
    }

    static func html(_ result: SimulationResult, tables: [ReportTable], scenario: String, reference: String? = nil) -> String {
        var body: [String] = []
        let verdict = result.slo.isEmpty ? "no SLOs" : result.sloMet ? "every SLO met" : "SLOs missed: "
            + result.slo.filter { !$0.met }.map { "\($0.metric) \($0.percentile)" }.joined(separator: ", ")
        body.append("<p><strong>\(HTML.escape(verdict))</strong>; \(Format.integer(result.completed)) of \(Format.integer(result.requests)) requests completed, "
            + "\(Format.fixed(result.completedRequestsPerSecond, 2)) req/s in the measurement window; \(Format.integer(result.preemptions)) KV preemptions.</p>")
        // Percentiles in a table, not a chart: TBT (milliseconds) and E2E (seconds) share no useful axis.
        body.append(ReportTable(title: "Latency (seconds)", headers: ["metric", "p50", "p90", "p99"],
                                rows: [("TTFT", result.ttft), ("TBT", result.tbt), ("E2E", result.e2e)].map {
                                    [$0.0, Format.fixed($0.1.p50, 4), Format.fixed($0.1.p90, 4), Format.fixed($0.1.p99, 4)]
                                }).html())
        if !result.slo.isEmpty {
            body.append(HTML.figure(SVGChart.bars(title: "Simulated latency against the SLOs", unit: result.slo.first?.unit ?? "",
                                                     categories: result.slo.map { "\($0.metric) \($0.percentile)" },
                                                     series: [SVGChart.Series(name: "simulated", values: result.slo.map { $0.achieved ?? .nan })],
                                                     targets: result.slo.map(\.target)),
                        caption: "Percentiles over all completed requests; the dashed lines are the SLOs."
                            + (result.slo.contains { $0.unit == "slowdown" }
                                ? " A slowdown is a request's latency divided by the same request's latency alone on "
                                    + (reference.map { "a \($0)" } ?? "the reference machine") + " (1.00 = as fast as alone); the seconds are in the latency table."
                                : "")))
        }
        body.append(HTML.figure(SVGChart.bars(title: "Energy by pool", unit: "kWh", categories: result.pools.map { "\($0.role.rawValue) \($0.machine)" },
                                                 series: [SVGChart.Series(name: "energy", values: result.pools.map(\.energyKWh))]),
                    caption: "Energy from each pool's time in prefill, decode and idle."))
        body += tables.filter { $0.title != "Latency (seconds)" }.map { $0.html() }
        return HTML.document(title: "SplitPlan simulation: \(clusterName(result))",
                             subtitle: "scenario \(scenario): \(Format.integer(result.requests)) requests over \(Format.fixed(result.simulatedSeconds, 0)) s simulated", body: body)
    }
}
