import ClusterModel
import Optimization
import Planning
import Reporting

/// The schedule report: text and Markdown, the tables for CSV, and the HTML page with its charts.
enum ScheduleText {
    static func render(_ report: ScheduleReport, markdown: Bool) -> String {
        guard let best = report.schedules.first else { return "no designs to schedule\n" }
        var out = markdown ? "# Schedule: \(report.scenario)\n\n" : "Schedule: \(report.scenario)\n"
        for text in summaryLines(report, best) { out += line(text, markdown) }
        if best.feasible {
            out += "\n" + table(periodTable(best), markdown)
        }
        out += line(solverLine(best), markdown)
        if report.schedules.count > 1 {
            out += "\n" + table(designTable(report), markdown)
        }
        return out
    }

    /// The verdict, the totals against the static plan, the fleet and the verification: shared by every format.
    static func summaryLines(_ report: ScheduleReport, _ best: Schedule) -> [String] {
        let rates = report.demandRatesPerSecond
        var lines = ["demand: \(rates.count) periods of \(Format.fixed(report.periodSeconds, 0)) s, "
                     + "\(Format.fixed(rates.min() ?? 0, 2))-\(Format.fixed(rates.max() ?? 0, 2)) req/s (\(report.demandSource))"]
        let verdict = switch (best.feasible, best.solver.status) {
        case (true, .feasible): "feasible, but STOPPED AT THE TIME LIMIT: best schedule found so far"
        case (false, .timeLimit): "STOPPED AT THE TIME LIMIT before any schedule was found"
        case (true, _): "feasible"
        case (false, _): "INFEASIBLE: \(best.note)"
        }
        lines.append("design \(best.design), objective \(best.objective), model \(best.model): \(verdict)")
        guard best.feasible else { return lines }
        lines.append("over \(Format.fixed(best.horizonHours, 1)) h: cost \(Format.fixed(best.costUSD, 2)) USD, energy \(Format.fixed(best.energyKWh, 1)) kWh "
                     + "(provisioned power of the machines serving; unassigned machines off)")
        if let fixed = best.staticPlan {
            lines.append("static plan for the peak (\(Format.fixed(fixed.peakRatePerSecond, 2)) req/s, \(pools(fixed.pools)) all horizon): "
                         + "cost \(Format.fixed(fixed.costUSD, 2)) USD, energy \(Format.fixed(fixed.energyKWh, 1)) kWh")
            lines.append("saving against it: \(best.costSavingPercent.map { Format.fixed($0, 1) } ?? "-") % of the cost, "
                         + "\(best.energySavingPercent.map { Format.fixed($0, 1) } ?? "-") % of the energy")
        }
        if best.followsStaticPlan { lines.append(best.note) }
        lines.append("reserved fleet: " + (best.reserved.filter { $0.count > 0 }.map { "\($0.machine) x \($0.count)" }.joined(separator: ", ").nonEmpty ?? "none"))
        if let verification = report.verification {
            let missed = best.periods.filter { $0.sloMet == false }.map { String($0.index) }
            lines.append("verified by simulation (\(Format.fixed(verification.simulatedSecondsPerPeriod, 0)) s per period, seed \(verification.seed), "
                         + "\(verification.rounds) round(s)): " + (verification.verified ? "every period met every SLO"
                            : "periods \(missed.joined(separator: ", ")) still miss an SLO"))
        }
        return lines
    }

    static func solverLine(_ schedule: Schedule) -> String {
        let gap = schedule.solver.gap.map { Format.percent(100 * $0) } ?? "-"
        return "solver: \(schedule.solver.backend) \(schedule.solver.status.rawValue), \(schedule.solver.solves) programs in "
            + "\(Format.fixed(1000 * schedule.solver.seconds, 1)) ms, last gap \(gap), \(schedule.solver.variables) variables, "
            + "\(schedule.solver.constraints) constraints"
    }

    static func clock(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded())
        return String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    static func pools(_ pools: [PoolCount]) -> String {
        pools.map { "\($0.role.rawValue):\($0.optionLabel)=\($0.count)" }.joined(separator: " ")
    }

    static func periodTable(_ schedule: Schedule) -> ReportTable {
        let verified = schedule.periods.contains { $0.sloMet != nil }
        return ReportTable(title: "Periods of \(schedule.design)",
                           headers: ["period", "start", "demand req/s", "planned req/s", "pools", "on-demand", "role changes", "USD/h", "kW"]
                               + (verified ? ["SLOs in simulation"] : []),
                           rows: schedule.periods.map { period in
                               [String(period.index), clock(period.startSeconds), Format.fixed(period.ratePerSecond, 2),
                                Format.fixed(period.plannedRatePerSecond, 2), pools(period.pools),
                                period.onDemand.map { "\($0.machine) x \($0.count)" }.joined(separator: ", ").nonEmpty ?? "-",
                                String(period.roleChanges), Format.fixed(period.costPerHourUSD, 2), Format.fixed(period.powerKW, 1)]
                                   + (verified ? [period.sloMet == true ? "met" : "missed " + period.missedSLOs.joined(separator: ", ")] : [])
                           })
    }

    static func designTable(_ report: ScheduleReport) -> ReportTable {
        ReportTable(title: "Designs",
                    headers: ["design", "feasible", "cost USD", "energy kWh", "static cost USD", "static energy kWh", "cost saving %", "energy saving %", "reserved"],
                    rows: report.schedules.map { schedule in
                        [schedule.design, schedule.feasible ? "yes" : "no", Format.fixed(schedule.costUSD, 2), Format.fixed(schedule.energyKWh, 1),
                         schedule.staticPlan.map { Format.fixed($0.costUSD, 2) } ?? "-", schedule.staticPlan.map { Format.fixed($0.energyKWh, 1) } ?? "-",
                         schedule.costSavingPercent.map { Format.fixed($0, 1) } ?? "-", schedule.energySavingPercent.map { Format.fixed($0, 1) } ?? "-",
                         schedule.reserved.filter { $0.count > 0 }.map { "\($0.machine) x \($0.count)" }.joined(separator: ", ")]
                    })
    }

    static func tables(_ report: ScheduleReport) -> [ReportTable] {
        report.schedules.filter(\.feasible).map(periodTable) + [designTable(report)]
    }

    private static func line(_ text: String, _ markdown: Bool) -> String { markdown ? text + "\n\n" : text + "\n" }

    private static func table(_ table: ReportTable, _ markdown: Bool) -> String {
        markdown ? table.markdown() + "\n" : table.text()
    }

    static func html(_ report: ScheduleReport) -> String {
        guard let best = report.schedules.first else { return HTML.document(title: "SplitPlan schedule", subtitle: "no designs", body: []) }
        var body = ["<ul>\n" + summaryLines(report, best).map { "<li>\(HTML.escape($0))</li>\n" }.joined() + "</ul>"]
        if best.feasible {
            let categories = best.periods.map { clock($0.startSeconds) }
            let keys = Array(Set(best.periods.flatMap { $0.pools.map { "\($0.role.rawValue) \($0.optionLabel)" } })).sorted()
            let series = keys.map { key in
                SVGChart.Series(name: key, values: best.periods.map { period in
                    Double(period.pools.filter { "\($0.role.rawValue) \($0.optionLabel)" == key }.reduce(0) { $0 + $1.count })
                })
            }
            let demand = SVGChart.Series(name: "demand", values: best.periods.map(\.ratePerSecond))
            body.append(HTML.figure(SVGChart.stackedBars(title: "Machines per role against demand (\(best.design))", unit: "machines",
                                                         categories: categories, series: series, line: (demand, "req/s")),
                                    caption: "Bars: machines assigned to each role in each period (left axis). Dashed line: the demand curve (right axis, req/s)."))
            let cost = [SVGChart.Series(name: "schedule", values: best.periods.map(\.costPerHourUSD)),
                        SVGChart.Series(name: "static plan", values: best.periods.map { _ in best.staticPlan?.costPerHourUSD ?? 0 })]
            body.append(HTML.figure(SVGChart.bars(title: "Cost per period", unit: "USD/h", categories: categories, series: cost),
                                    caption: "The schedule's cost in each period (reserved fleet plus on-demand machines) beside the static plan's."))
            body.append(periodTable(best).html())
        }
        body.append(designTable(report).html())
        body.append("<p>\(HTML.escape(solverLine(best)))</p>")
        return HTML.document(title: "SplitPlan schedule: \(report.scenario)", subtitle: "best design \(best.design)", body: body)
    }
}

extension String {
    /// nil for the empty string, so `?? "-"` can stand in for an empty list.
    var nonEmpty: String? { isEmpty ? nil : self }
}
