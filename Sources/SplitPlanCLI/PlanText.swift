import ClusterModel
import Optimization
import Planning
import Reporting

/// The human-readable provisioning report (plain text or Markdown).
enum PlanText {
    /// What the pools complete when arrivals outrun them, with borrowing and without when it differs.
    static func overloadLine(_ overload: OverloadThroughput) -> String {
        let with = Format.fixed(overload.withBorrowingRequestsPerSecond, 2), without = Format.fixed(overload.withoutBorrowingRequestsPerSecond, 2)
        let figures = with == without ? "\(with) req/s completed" : "\(with) req/s completed with borrowing, \(without) without"
        return "under overload (arrivals past what the pools serve, no SLO held): \(figures)"
    }

    static func render(_ report: PlanReport, markdown: Bool) -> String {
        guard let best = report.plans.first else { return "no designs to plan\n" }
        var out = markdown ? "# Provisioning plan: \(report.scenario)\n\n" : "Provisioning plan: \(report.scenario)\n"
        let limitGap = best.solver.gap.map { String(format: "%.2f %%", 100 * $0) } ?? "unknown"
        let verdict = switch (best.feasible, best.solver.status) {
        case (true, .feasible): "feasible, but STOPPED AT THE TIME LIMIT: best plan found so far, gap \(limitGap)"
        case (false, .timeLimit): "STOPPED AT THE TIME LIMIT before any plan was found"
        case (false, .unbounded): "NO ANSWER: the question needs a cap (see Why)"
        case (true, _): "feasible"
        case (false, _): "INFEASIBLE"
        }
        out += line("design \(best.design), objective \(best.objective), model \(best.model): \(verdict)", markdown)
        if best.feasible {
            out += line("cost \(Format.fixed(best.costPerHourUSD, 2)) USD/h, provisioned power \(Format.fixed(best.powerKW, 1)) kW, "
                        + "serving \(Format.fixed(best.requestsPerSecond, 2)) req/s (sustainable up to \(Format.fixed(best.sustainableRequestsPerSecond, 2)))", markdown)
            if let overload = best.overload { out += line(overloadLine(overload), markdown) }
            out += "\n" + table(["role", "machine", "count", "power cap", "utilisation", "utilisation cap", "decode batch"], best.pools.map { pool in
                [pool.role.rawValue, pool.machine, "\(pool.count)", Format.fixed(pool.powerCap, 2), Format.percent(100 * pool.utilisation),
                 Format.percent(100 * pool.utilisationCap), pool.decodeBatch.map { "\($0)" } ?? "-"]
            }, markdown)
            if !best.latencies.isEmpty {
                out += "\n" + line("Predicted latency against the SLOs (queueing approximation, docs/formulation.md):", markdown)
                out += table(["metric", "percentile", "predicted", "target", "unit", "met"], best.latencies.map { latency in
                    [latency.metric, latency.percentile, Format.fixed(latency.predicted, 3), Format.fixed(latency.target, 3), latency.unit,
                     latency.met ? "yes" : "NO"]
                }, markdown)
            }
        }
        if let relaxation = best.relaxation {
            out += "\n" + line("Why: \(relaxation.note)", markdown)
            if let cost = relaxation.costPerHourUSD { out += line("least cost cap that is feasible: \(Format.fixed(cost, 2)) USD/h", markdown) }
            if let power = relaxation.powerKW { out += line("least power cap that is feasible: \(Format.fixed(power, 1)) kW", markdown) }
            if let rate = relaxation.maxRequestsPerSecond { out += line("largest rate the caps allow: \(Format.fixed(rate, 2)) req/s", markdown) }
        }
        out += "\n" + line("binding constraints: " + (best.bindingConstraints.isEmpty ? "none" : best.bindingConstraints.joined(separator: ", ")), markdown)
        let gap = best.solver.gap.map { Format.percent(100 * $0) } ?? "-"
        out += line("solver: \(best.solver.backend) \(best.solver.status.rawValue) in \(Format.fixed(1000 * best.solver.seconds, 1)) ms, gap \(gap), "
                    + "\(best.solver.variables) variables, \(best.solver.constraints) constraints, \(best.workloadClasses) workload classes", markdown)
        if let verification = report.verification {
            out += "\n" + line("Verified by simulation: \(verification.verified ? "all SLOs met" : "SLOs still missed") after \(verification.rounds.count) simulation(s)", markdown)
            out += table(["round", "action", "pools", "req/s", "simulated SLOs"], verification.rounds.map { round in
                [String(round.round), round.action, round.plan.poolSummary, Format.fixed(round.simulated.requests > 0 ? round.plan.requestsPerSecond : 0, 2),
                 round.simulated.sloMet ? "met" : "missed"]
            }, markdown)
            if let final = verification.final {
                let predicted = Dictionary(final.plan.latencies.map { ("\($0.metric) \($0.percentile)", $0.predicted) }, uniquingKeysWith: { a, _ in a })
                out += "\n" + line("Predicted and simulated, side by side (verified cluster \(final.plan.poolSummary)):", markdown)
                out += table(["metric", "percentile", "predicted", "simulated", "target", "unit", "met"], final.simulated.slo.map { check in
                    [check.metric, check.percentile, predicted["\(check.metric) \(check.percentile)"].map { Format.fixed($0, 3) } ?? "-",
                     check.achieved.map { Format.fixed($0, 3) } ?? "-", Format.fixed(check.target, 3), check.unit, check.met ? "yes" : "NO"]
                }, markdown)
            }
        }
        if report.plans.count > 1 {
            out += "\n" + line("Designs compared:", markdown)
            out += table(["design", "feasible", "USD/h", "kW", "req/s", "pools"], report.plans.map { plan in
                [plan.design, plan.feasible ? "yes" : "no", Format.fixed(plan.costPerHourUSD, 2), Format.fixed(plan.powerKW, 1),
                 Format.fixed(plan.requestsPerSecond, 2), plan.poolSummary]
            }, markdown)
        }
        return out
    }

    private static func line(_ text: String, _ markdown: Bool) -> String { markdown ? text + "\n\n" : text + "\n" }

    private static func table(_ headers: [String], _ rows: [[String]], _ markdown: Bool) -> String {
        if markdown {
            let head = "| " + headers.joined(separator: " | ") + " |\n|" + headers.map { _ in "---|" }.joined() + "\n"
            return head + rows.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n") + "\n\n"
        }
        var table = TextTable(headers: headers, alignments: headers.indices.map { $0 < 2 ? .left : .right })
        rows.forEach { table.append($0) }
        return table.render()
    }

    /// Every design's pools, one row per pool (the CSV form; the page leaves out the overload columns,
    /// which its chart shows, so that the table fits).
    static func poolTable(_ report: PlanReport, overload: Bool = true) -> ReportTable {
        let table = ReportTable(title: "Pools", headers: ["design", "feasible", "role", "machine", "count", "powerCap", "utilisation", "utilisationCap",
                                              "costPerHourUSD", "powerKW", "requestsPerSecond", "overloadRequestsPerSecond",
                                              "overloadWithoutBorrowingRequestsPerSecond"],
                    rows: report.plans.flatMap { plan in
                        plan.pools.map { pool in
                            [plan.design, "\(plan.feasible)", pool.role.rawValue, pool.machine, "\(pool.count)", Format.fixed(pool.powerCap, 2),
                             Format.fixed(pool.utilisation, 4), Format.fixed(pool.utilisationCap, 4), Format.fixed(plan.costPerHourUSD, 2),
                             Format.fixed(plan.powerKW, 2), Format.fixed(plan.requestsPerSecond, 4),
                             plan.overload.map { Format.fixed($0.withBorrowingRequestsPerSecond, 4) } ?? "",
                             plan.overload.map { Format.fixed($0.withoutBorrowingRequestsPerSecond, 4) } ?? ""]
                        }
                    })
        guard !overload else { return table }
        return ReportTable(title: table.title, headers: table.headers.dropLast(2), rows: table.rows.map { Array($0.dropLast(2)) })
    }

    /// What decided the plan: the constraints at their bounds, and for an infeasible question the least
    /// relaxation that makes it feasible.
    static func whyLines(_ plan: ProvisioningPlan) -> [String] {
        var lines = ["binding constraints: " + (plan.bindingConstraints.isEmpty ? "none" : plan.bindingConstraints.joined(separator: ", "))]
        if let relaxation = plan.relaxation {
            lines.append(relaxation.note)
            if let cost = relaxation.costPerHourUSD { lines.append("least cost cap that is feasible: \(Format.fixed(cost, 2)) USD/h") }
            if let power = relaxation.powerKW { lines.append("least power cap that is feasible: \(Format.fixed(power, 1)) kW") }
            if let rate = relaxation.maxRequestsPerSecond { lines.append("largest rate the caps allow: \(Format.fixed(rate, 2)) req/s") }
        }
        return lines
    }

    static func html(_ report: PlanReport) -> String {
        guard let best = report.plans.first else { return HTML.document(title: "SplitPlan plan", subtitle: "no designs", body: []) }
        var body = [poolTable(report, overload: false).html()]
        body.append("<h2>Why this plan</h2>\n<ul>\n" + whyLines(best).map { "<li>\(HTML.escape($0))</li>\n" }.joined() + "</ul>")
        let designs = report.plans.filter(\.feasible)
        if !designs.isEmpty {
            body.append(HTML.figure(SVGChart.stackedBars(title: "Cost by pool role", unit: "USD/h", categories: designs.map(\.design), series: CompareReport.roleSeries(designs, \.costPerHourUSD)),
                                    caption: "Hourly cost of each design's plan, stacked by role; the total above each bar."))
            body.append(HTML.figure(SVGChart.stackedBars(title: "Provisioned power by pool role", unit: "kW", categories: designs.map(\.design), series: CompareReport.roleSeries(designs, \.powerKW)),
                                    caption: "Provisioned power of each design's plan, stacked by role; the total above each bar."))
        }
        let overloads = designs.compactMap { plan in plan.overload.map { (plan.design, plan.requestsPerSecond, $0) } }
        if !overloads.isEmpty {
            body.append(HTML.figure(SVGChart.bars(title: "Planned rate and what the pools complete under overload", unit: "req/s",
                                                     categories: overloads.map(\.0),
                                                     series: [SVGChart.Series(name: "planned, within the SLOs", values: overloads.map(\.1)),
                                                              SVGChart.Series(name: "overload, with borrowing", values: overloads.map(\.2.withBorrowingRequestsPerSecond)),
                                                              SVGChart.Series(name: "overload, without", values: overloads.map(\.2.withoutBorrowingRequestsPerSecond))]),
                                    caption: "Under overload (arrivals past what the pools serve, no SLO held) borrowing lets split pools serve as one mixed pool; "
                                        + "a mixed pool alone never borrows (docs/formulation.md)."))
        }
        if !best.latencies.isEmpty {
            let slowdown = best.latencies.contains { $0.unit == "slowdown" }
                ? " A slowdown is a request's latency divided by the same request's latency alone on the scenario's reference machine (1.00 = as fast as alone)." : ""
            body.append(HTML.figure(SVGChart.bars(title: "Predicted latency of \(best.design) against the SLOs", unit: best.latencies.first?.unit ?? "",
                                                     categories: best.latencies.map { "\($0.metric) \($0.percentile)" },
                                                     series: [SVGChart.Series(name: "predicted", values: best.latencies.map(\.predicted))],
                                                     targets: best.latencies.map(\.target)),
                        caption: "The queueing approximation's prediction; the dashed lines are the SLOs." + slowdown))
        }
        let verdict = best.feasible ? "feasible: \(Format.fixed(best.costPerHourUSD, 2)) USD/h, \(Format.fixed(best.powerKW, 1)) kW, \(Format.fixed(best.requestsPerSecond, 2)) req/s"
            : "infeasible: \(best.relaxation?.note ?? "")"
        return HTML.document(title: "SplitPlan plan: \(report.scenario)", subtitle: "best design \(best.design), \(verdict)", body: body)
    }
}
