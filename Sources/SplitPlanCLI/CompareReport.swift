import ClusterModel
import Optimization
import Planning
import Reporting

/// The comparison as tables and as an HTML page with charts.
enum CompareReport {
    static func ratio(_ row: ComparisonRow) -> String {
        guard let throughput = row.throughputRatio, let cost = row.costRatio, let power = row.powerRatio else { return "-" }
        return "\(Format.fixed(throughput, 2))x throughput at \(Format.fixed(cost, 2))x cost, \(Format.fixed(power, 2))x power"
    }

    /// How much the mixed pool carried in the verifying simulation: its share of the requests, and the
    /// share of the cluster's machine time spent borrowed into it.
    static func mixedPool(_ row: ComparisonRow) -> String {
        guard let simulated = row.simulated, simulated.requests > 0 else { return "-" }
        let machines = simulated.pools.reduce(0) { $0 + $1.count }
        let borrowed = simulated.pools.reduce(0.0) { $0 + $1.borrowedShare * Double($1.count) } / Double(max(machines, 1))
        return "\(Format.percent(100 * Double(simulated.mixedRoutedRequests) / Double(simulated.requests))) of requests, "
            + "\(Format.percent(100 * borrowed)) of machine time borrowed"
    }

    /// What the planned pools complete when arrivals outrun them, with borrowing and without.
    static func overload(_ row: ComparisonRow) -> String {
        guard let overload = row.plan.overload else { return "-" }
        return "\(Format.fixed(overload.withBorrowingRequestsPerSecond, 1)) / \(Format.fixed(overload.withoutBorrowingRequestsPerSecond, 1))"
    }

    static func tables(_ rows: [ComparisonRow], baseline: Design, whatIf: Bool) -> [ReportTable] {
        // One figure per question: with simulation, the pools and rate are the verified ones.
        let rate = rows.contains { $0.simulated != nil } ? "req/s (verified by simulation)" : "req/s (planned)"
        var headers = ["scenario", "variant", "design", "feasible", "pools", "USD/h", "kW", rate, "SLOs simulated", "mixed pool (simulated)",
                       "overload req/s, borrowing / none",
                       whatIf ? "vs \(baseline.rawValue), unmodified" : "vs \(baseline.rawValue)"]
        if whatIf { headers += ["delta USD/h", "delta req/s"] }
        headers.append("why (binding constraints; for an infeasible plan the least relaxation)")
        let table = ReportTable(title: "Designs compared (ratios against \(baseline.rawValue))", headers: headers, rows: rows.map { row in
            var cells = [row.scenario, row.variant, row.plan.design, row.plan.feasible ? "yes" : "no", row.plan.poolSummary,
                         Format.fixed(row.plan.costPerHourUSD, 2), Format.fixed(row.plan.powerKW, 1), Format.fixed(row.plan.requestsPerSecond, 2),
                         row.simulated.map { ($0.sloMet ? "met" : "missed") + (row.verificationRounds > 1 ? " (\(row.verificationRounds) simulations)" : "") } ?? "-",
                         mixedPool(row), overload(row), ratio(row)]
            if whatIf {
                let base = rows.first { $0.scenario == row.scenario && $0.variant == "baseline" && $0.plan.design == row.plan.design }
                cells += [base.map { Format.fixed(row.plan.costPerHourUSD - $0.plan.costPerHourUSD, 2) } ?? "-",
                          base.map { Format.fixed(row.plan.requestsPerSecond - $0.plan.requestsPerSecond, 2) } ?? "-"]
            }
            cells.append(PlanText.whyLines(row.plan).joined(separator: "; "))
            return cells
        })
        return [table]
    }

    static func html(_ rows: [ComparisonRow], tables: [ReportTable], baseline: Design, scenarios: [String]) -> String {
        var body = tables.map { $0.html() }
        for scenario in Set(rows.map(\.scenario)).sorted() {
            for variant in Set(rows.filter { $0.scenario == scenario }.map(\.variant)).sorted() {
                let group = rows.filter { $0.scenario == scenario && $0.variant == variant && $0.plan.feasible }
                guard !group.isEmpty else { continue }
                let names = group.map(\.plan.design)
                let suffix = variant == "baseline" ? "" : " (\(variant))"
                body.append("<h2>\(HTML.escape(scenario + suffix))</h2>")
                body.append(HTML.figure(SVGChart.stackedBars(title: "Cost by pool role", unit: "USD/h", categories: names,
                                                             series: roleSeries(group.map(\.plan), \.costPerHourUSD)),
                                   caption: "Hourly cost of each design's pools, stacked by role; the total above each bar."))
                body.append(HTML.figure(SVGChart.stackedBars(title: "Provisioned power by pool role", unit: "kW", categories: names,
                                                             series: roleSeries(group.map(\.plan), \.powerKW)),
                                   caption: "Provisioned power of each design's pools, stacked by role; the total above each bar."))
                body.append(HTML.figure(SVGChart.bars(title: "Requests per second", unit: "req/s", categories: names,
                                                 series: [SVGChart.Series(name: "rate", values: group.map(\.plan.requestsPerSecond))]),
                                   caption: "The rate each design serves within the SLOs and the budget."))
                body.append(HTML.figure(SVGChart.bars(title: "Requests per second per USD/h", unit: "req/s per USD/h", categories: names,
                                                 series: [SVGChart.Series(name: "per USD/h", values: group.map { $0.plan.requestsPerSecond / $0.plan.costPerHourUSD })]),
                                   caption: "Throughput bought per dollar-hour: higher is cheaper per request."))
                body.append(HTML.figure(SVGChart.bars(title: "Requests per second per kW", unit: "req/s per kW", categories: names,
                                                 series: [SVGChart.Series(name: "per kW", values: group.map { $0.plan.requestsPerSecond / $0.plan.powerKW })]),
                                   caption: "Throughput per kilowatt of provisioned power: higher serves more within a power budget."))
                let simulated = group.filter { $0.simulated?.slowdown != nil }
                if let first = simulated.first?.simulated {
                    for check in first.slo where check.percentile == "p99" || check.percentile == "p50" {
                        let values = simulated.map { row in row.simulated?.slo.first { $0.metric == check.metric && $0.percentile == check.percentile }?.achieved ?? nil ?? .nan }
                        body.append(HTML.figure(SVGChart.bars(title: "Simulated \(check.metric.uppercased()) \(check.percentile) against the SLO", unit: check.unit,
                                                         categories: simulated.map(\.plan.design),
                                                         series: [SVGChart.Series(name: "simulated", values: values)],
                                                         targets: simulated.map { _ in check.target }),
                                           caption: "Latency of each design's plan in simulation; the dashed line is the SLO."
                                               + (check.unit == "slowdown" ? " A slowdown is a request's latency divided by the same request's latency alone on the scenario's reference machine (1.00 = as fast as alone)." : "")))
                    }
                }
            }
        }
        return HTML.document(title: "SplitPlan design comparison", subtitle: "Scenarios: \(scenarios.joined(separator: ", ")); ratios against \(baseline.rawValue)",
                             body: body)
    }

    /// Each role's total of a pool figure, one value per plan: the segments of the stacked cost and power
    /// charts of `plan` and `compare`.
    static func roleSeries(_ plans: [ProvisioningPlan], _ figure: KeyPath<ProvisioningPlan.Pool, Double>) -> [SVGChart.Series] {
        Role.allCases.map { role in
            SVGChart.Series(name: role.rawValue, values: plans.map { plan in
                plan.pools.filter { $0.role == role }.reduce(0.0) { $0 + $1[keyPath: figure] }
            })
        }
    }
}
