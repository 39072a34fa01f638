import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning

/// The Splitwise study's comparisons (`splitplan-bench study`): every design of the eight Splitwise
/// scenario files, each verified by a capacity search of 600 s simulations, as
/// `compare FILES --designs all --duration 600` runs them, every design of every file side by side.
/// Beside it, in the same run, the baseline: the same searches with every run drained to its end rather
/// than stopped once its SLO miss is settled; the verified figures must be the same.
func studyBenchmark(repeats: Int) throws {
    let catalog = try Catalog.load(directory: root.appendingPathComponent("Catalog"))
    let directory = root.appendingPathComponent("Scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasPrefix("splitwise-") && $0.hasSuffix(".json") }.sorted()
    let studies = try files.map { file -> (Scenario, Catalog, [URL: Trace]) in
        let scenario = try Scenario.load(directory.appendingPathComponent(file))
        return (scenario, try scenario.applyingCatalogOverrides(to: catalog), try scenario.loadTraces())
    }
    func study(stopping: Bool) throws -> [ComparisonRow] {
        var comparison = Comparison(simulationSeconds: 600) { ProvisioningPlanner(catalog: $0, solver: GLPKSolver()) }
        comparison.stopsAtSettledMiss = stopping
        let questions = studies.map { scenario, catalog, traces in
            Comparison.Question(scenario: scenario, catalog: catalog, traces: traces, designs: scenario.designs, variant: Comparison.unmodifiedVariant)
        }
        return try comparison.rows(questions).map { row in
            var row = row
            row.zeroTimings()
            return row
        }
    }
    print("\nSplitwise study: \(files.count) scenario files x their designs, each verified by a capacity search of 600 s simulations; "
          + "median of \(repeats) runs (wall time, both cores)")
    var stopped: [Double] = [], drained: [Double] = [], same = true, rows = 0
    for _ in 0..<repeats {
        let (fast, fastWall) = try timed { try study(stopping: true) }
        let (slow, slowWall) = try timed { try study(stopping: false) }
        stopped.append(fastWall)
        drained.append(slowWall)
        same = same && fast == slow
        rows = fast.count
    }
    print("  runs stopped once an SLO miss is settled: \(milliseconds(median(stopped)))  (\(rows) designs)")
    print("  baseline, every run drained:              \(milliseconds(median(drained)))  ratio \(String(format: "%.2f", median(stopped) / median(drained)))x; "
          + "verified figures the same: \(same ? "yes" : "NO")")
}
