import Reporting
import Simulation

enum SimulationText {
    static func render(_ result: SimulationResult, scenario: String) -> String {
        var out = "Simulation: \(scenario)\n"
        out += "\(Format.integer(result.requests)) requests, \(Format.integer(result.completed)) completed, \(Format.integer(result.dropped)) dropped; "
        out += "throughput \(Format.fixed(result.throughput, 2)) req/s over \(Format.fixed(result.simulatedSeconds, 1)) s; energy \(Format.fixed(result.energyKWh, 1)) kWh\n"
        for (reason, count) in result.dropReasons.sorted(by: { $0.key < $1.key }) { out += "  dropped \(count): \(reason)\n" }
        var latency = TextTable(title: "\nLatency (seconds)", headers: ["metric", "p50", "p90", "p99"])
        for (name, value) in [("TTFT", result.ttft), ("TBT", result.tbt), ("E2E", result.e2e)] {
            latency.append([name, Format.fixed(value.p50, 4), Format.fixed(value.p90, 4), Format.fixed(value.p99, 4)])
        }
        out += latency.render()
        if !result.slo.isEmpty {
            var slo = TextTable(title: "\nSLOs", headers: ["metric", "percentile", "achieved", "target", "unit", "met"])
            for check in result.slo {
                slo.append([check.metric, check.percentile, Format.fixed(check.achieved, 3), Format.fixed(check.target, 3), check.unit, check.met ? "yes" : "NO"])
            }
            out += slo.render()
        }
        var pools = TextTable(title: "\nPools", headers: ["role", "machine", "count", "cap", "prefill", "decode", "mean kW", "kWh"])
        for pool in result.pools {
            pools.append([pool.role.rawValue, pool.machine, "\(pool.count)", Format.fixed(pool.powerCap, 2), Format.percent(100 * pool.prefillUtilisation),
                          Format.percent(100 * pool.decodeUtilisation), Format.fixed(pool.meanPowerKW, 1), Format.fixed(pool.energyKWh, 1)])
        }
        out += pools.render()
        out += "\nall SLOs met: \(result.sloMet ? "yes" : "NO"); \(Format.integer(result.events)) events in \(Format.fixed(result.wallSeconds, 3)) s\n"
        return out
    }
}
