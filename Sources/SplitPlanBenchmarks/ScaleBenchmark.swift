import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Throughput

/// Planning at scale (`splitplan-bench scale`): design `auto` over generated catalogues of 4 to 64
/// machine types (each shipped machine at several price points, as list, reserved and spot prices in
/// several clouds give), and 4 types at rates up to 100,000 req/s. Prints, per instance, the whole plan's
/// wall time, the solver status, the gap the solver reports and the programs solved; each plan runs
/// under a 60 s run limit, so a limit hit shows as a status rather than a stall.
func scaleBenchmark() throws {
    let catalog = try Catalog.load(directory: root.appendingPathComponent("Catalog"))
    let base = try Scenario.load(root.appendingPathComponent("Scenarios/quickstart.json"))
    let traces = try base.loadTraces()
    let model = try catalog.model(base.model, file: "benchmark", jsonPath: "model")
    // Price factors of a machine's variants, deterministic and distinct: 0.50, 0.55, ... up to 1.25.
    // `distinct`: the variants trade speed for price instead: each runs its GEMMs and memory reads 2 %
    // slower than the one before (lower clocks, older stacks) for 0.05 of the list price less, from 1.25
    // down, so no two perform alike and none is matched by a cheaper one that is as fast.
    func catalogue(types: Int, distinct: Bool) -> (Catalog, [MachineID]) {
        let originals = catalog.sortedMachines.filter { (try? Deployment(model: model, machine: $0, catalog: catalog)) != nil }
        var variants: [MachineSpec] = []
        var index = 0
        while variants.count < types {
            var variant = originals[index % originals.count]
            let step = Double(index / originals.count)
            let factor = distinct ? 1.25 - 0.05 * step : 0.5 + 0.05 * step
            variant.id = MachineID("\(variant.id)-p\(String(format: "%03d", Int(factor * 100)))")
            variant.pricePerHourUSD *= factor
            if distinct {
                let derate = 1 - 0.02 * step
                variant.calibration.computeEfficiency *= derate
                variant.calibration.memoryEfficiency *= derate
            }
            variants.append(variant)
            index += 1
        }
        return (Catalog(gpus: catalog.sortedGPUs, machines: variants + catalog.sortedMachines, models: catalog.sortedModels, origins: catalog.origins),
                variants.map(\.id))
    }
    print("\nScale: design auto, one plan per instance under a 60 s run limit (wall time of the whole plan command's work)")
    print("Variants of a machine differ in price only (as list, reserved and spot prices), or (distinct) in performance too")
    print("types  variants  rate req/s   wall         GLPK         status       gap        solves  machines  USD/h")
    let instances: [(Int, Double, Bool)] = [(4, 100.0, false), (8, 100, false), (16, 100, false), (32, 100, false), (64, 100, false),
                                            (4, 1_000, false), (4, 10_000, false), (4, 100_000, false),
                                            (8, 100, true), (16, 100, true), (32, 100, true), (64, 100, true)]
    for (types, rate, distinct) in instances {
        let (generated, candidates) = catalogue(types: types, distinct: distinct)
        var scenario = base
        scenario.machines = candidates
        scenario.designs = [.auto]
        let planner = ProvisioningPlanner(catalog: generated, solver: GLPKSolver(), options: .within(Deadline(limitSeconds: 60)))
        let (plans, wall) = try timed { try planner.plan(PlanRequest(scenario: scenario, traces: traces, ratePerSecond: rate)) }
        // SPLITPLAN_BENCH_LP=FILE writes the program of the distinct instance of SPLITPLAN_BENCH_LP_TYPES types
        // (default 64) in CPLEX LP format, to try other solvers or GLPK's options on it (glpsol --lp FILE).
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["SPLITPLAN_BENCH_LP"], distinct, types == Int(environment["SPLITPLAN_BENCH_LP_TYPES"] ?? "64") {
            try GLPKSolver().writeLP(try planner.linearModel(PlanRequest(scenario: scenario, traces: traces, ratePerSecond: rate), design: .auto), to: path)
        }
        let plan = plans.first
        let gap = plan?.solver.gap.map { String(format: "%.3f %%", 100 * $0) } ?? "-"
        print(String(format: "%5d  ", types) + (distinct ? "distinct" : "price").padding(toLength: 8, withPad: " ", startingAt: 0)
              + String(format: "  %10.0f  ", rate) + milliseconds(wall) + "  " + milliseconds(plan?.solver.seconds ?? 0) + "  "
              + (plan?.solver.status.rawValue ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0) + " "
              + gap.padding(toLength: 10, withPad: " ", startingAt: 0)
              + String(format: " %6d  %8d  %.1f", plan?.solver.solves ?? 0, plan?.pools.reduce(0) { $0 + $1.count } ?? 0, plan?.costPerHourUSD ?? 0))
    }
}
