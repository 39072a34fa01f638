import ArgumentParser
import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning
import Reporting

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "CI checks: validate, plan and (if asked) simulate scenarios against their `expect` blocks.",
        discussion: """
            One line per scenario and expectation. Exit 0 when all pass, 2 when an expectation fails,
            3 when the run's time limit stopped a check, 65 when a file is invalid. See docs/ci.md for a GitHub Actions workflow.
            Examples:
              splitplan check Scenarios/
              splitplan check Scenarios/quickstart.json --junit report.xml
            """
    )

    @Argument(help: "Scenario files or directories (default: the bundled scenarios).") var paths: [String] = []
    @Option(help: ArgumentHelp("Also write JUnit XML here.", valueName: "FILE")) var junit: String?
    @OptionGroup var workload: WorkloadOptions
    @Flag(name: .customLong("no-timings"), help: "Report times as 0, so repeated runs print identical bytes.") var noTimings = false
    @OptionGroup var limit: RunLimitOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        let deadline = limit.start()
        let started = Date()
        let targets = paths.isEmpty ? [try BundledResources.defaultScenario().deletingLastPathComponent().path] : paths
        let files = try ValidationTargets.expand(targets).compactMap { target -> URL? in
            if case .scenario(let url) = target { return url } else { return nil }
        }
        let override = try catalogOptions.catalog.map(CatalogOptions.overlay)
        let options = SolveOptions.within(deadline)
        var configured = ScenarioCheck(catalogOverride: override, deadline: deadline) {
            ProvisioningPlanner(catalog: $0, solver: GLPKSolver(), options: options)
        }
        configured.traceOverride = workload.trace.map(InputFile.url)
        let checker = configured
        let progress = Progress(total: files.count, label: "checking")
        let zeroTimes = noTimings
        // The files are checked side by side; the report lists them in the order given.
        let outcomes = files.concurrentMap { file -> ScenarioCheck.Outcome in
            progress.step(file.lastPathComponent)
            var outcome = checker.check(file) { try Catalog.load(directory: try BundledResources.catalogDirectory()) }
            if zeroTimes { outcome.seconds = 0 }
            return outcome
        }
        progress.finish()
        let provenance = Provenance(catalogDigests: outcomes.map(\.catalogSHA256).filter { !$0.isEmpty },
                                    inputs: outcomes.map { Provenance.Input(path: $0.file, sha256: $0.sha256) }, settings: [])
        try output.write(text: CheckText.render(outcomes, colour: output.output == nil && Terminal.allowsEscapes(isTerminal: isatty(STDOUT_FILENO) == 1)),
                         tables: [CheckText.table(outcomes)], json: NamedList(name: "scenarios", items: outcomes), provenance: provenance,
                         title: "SplitPlan check") {
            let checks = outcomes.flatMap(\.expectations)
            let summary = "\(checks.filter(\.passed).count) of \(checks.count) expectations pass in \(outcomes.count) scenario file(s)"
                + (outcomes.contains { $0.invalid != nil } ? "; \(outcomes.filter { $0.invalid != nil }.count) invalid" : "")
                + (outcomes.contains { $0.stopped != nil } ? "; \(outcomes.filter { $0.stopped != nil }.count) stopped at the time limit" : "")
            return HTML.document(title: "SplitPlan check", subtitle: summary, body: [CheckText.table(outcomes).html()])
        }
        if let junit { try OutputFile.write(CheckText.junit(outcomes, started: started, noTimings: noTimings).render(), to: junit, force: output.force) }
        if outcomes.contains(where: { $0.invalid != nil }) { throw ExitCode(ExitStatus.badInput) }
        if outcomes.contains(where: { $0.stopped != nil }) { throw ExitCode(ExitStatus.timeLimit) }
        if outcomes.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.infeasible) }
    }
}

enum CheckText {
    /// `colour`: green PASS and red FAIL, for a terminal only.
    static func render(_ outcomes: [ScenarioCheck.Outcome], colour: Bool = false) -> String {
        func paint(_ word: String, _ code: Int) -> String { colour ? "\u{1B}[\(code)m\(word)\u{1B}[0m" : word }
        var lines: [String] = []
        for outcome in outcomes {
            if let invalid = outcome.invalid {
                lines.append("\(paint("INVALID", 31))  \(outcome.scenario)  \(invalid)")
                continue
            }
            if let stopped = outcome.stopped {
                lines.append("\(paint("STOPPED", 31))  \(outcome.scenario)  \(stopped)")
                continue
            }
            lines.append("\(outcome.passed ? paint("PASS", 32) : paint("FAIL", 31))     \(outcome.scenario)  (\(outcome.file))")
            if outcome.expectations.isEmpty { lines.append("  pass   plans (no expectations)") }
            for expectation in outcome.expectations {
                lines.append("  \(expectation.passed ? "pass" : paint("FAIL", 31))   \(outcome.scenario): \(expectation.name): expected \(expectation.expected), got \(expectation.actual)")
            }
        }
        let failed = outcomes.filter { !$0.passed }.count
        lines.append("\(outcomes.count - failed) passed, \(failed) failed")
        return lines.joined(separator: "\n") + "\n"
    }

    static func table(_ outcomes: [ScenarioCheck.Outcome]) -> ReportTable {
        ReportTable(title: "Checks", headers: ["scenario", "expectation", "expected", "actual", "result"], rows: outcomes.flatMap { outcome -> [[String]] in
            if let invalid = outcome.invalid { return [[outcome.scenario, "valid", "a valid scenario", invalid, "invalid"]] }
            if let stopped = outcome.stopped { return [[outcome.scenario, "finished", "within the time limit", stopped, "stopped"]] }
            return outcome.expectations.map { [outcome.scenario, $0.name, $0.expected, $0.actual, $0.passed ? "pass" : "FAIL"] }
        })
    }

    /// One suite per scenario file. `timestamp` and `hostname` are fixed under --no-timings, so that the
    /// report, like every output, is byte-identical across runs.
    static func junit(_ outcomes: [ScenarioCheck.Outcome], started: Date, noTimings: Bool) -> JUnitXML {
        var suites = outcomes.map { outcome -> JUnitXML.Suite in
            if let invalid = outcome.invalid {
                return JUnitXML.Suite(name: outcome.scenario, file: outcome.file, cases: [
                    JUnitXML.TestCase(className: outcome.scenario, name: "valid", seconds: outcome.seconds, error: invalid, type: "invalid")])
            }
            if let stopped = outcome.stopped {
                return JUnitXML.Suite(name: outcome.scenario, file: outcome.file, cases: [
                    JUnitXML.TestCase(className: outcome.scenario, name: "finished", seconds: outcome.seconds, error: stopped, type: "stopped")])
            }
            let share = outcome.seconds / Double(max(outcome.expectations.count, 1))
            return JUnitXML.Suite(name: outcome.scenario, file: outcome.file, cases: outcome.expectations.map { expectation in
                JUnitXML.TestCase(className: outcome.scenario, name: expectation.name, seconds: share,
                                  failure: expectation.passed ? nil : "\(outcome.scenario): \(expectation.name): expected \(expectation.expected), got \(expectation.actual)",
                                  type: expectation.passed ? nil : "expectation")
            })
        }
        for (index, outcome) in outcomes.enumerated() {
            suites[index].properties = [("splitplan.version", SplitPlanCommand.version), ("scenario.sha256", outcome.sha256),
                                        ("catalog.sha256", outcome.catalogSHA256)]
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return JUnitXML(name: "splitplan check", suites: suites,
                        timestamp: noTimings ? "1970-01-01T00:00:00Z" : formatter.string(from: started),
                        hostname: noTimings ? "localhost" : ProcessInfo.processInfo.hostName)
    }
}
