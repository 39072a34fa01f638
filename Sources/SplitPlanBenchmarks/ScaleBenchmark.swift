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
    func catalogue(types: Int) -> (Catalog, [MachineID]) {
        let originals = catalog.sortedMachines.filter { (try? Deployment(model: model, machine: $0, catalog: catalog)) != nil }
        var variants: [MachineSpec] = []
        var index = 0
        while variants.count < types {
            var variant = originals[index % originals.count]
            let factor = 0.5 + 0.05 * Double(index / originals.count)
            variant.id = MachineID("\(variant.id)-p\(String(format: "%03d", Int(factor * 100)))")
            variant.pricePerHourUSD *= factor
            variants.append(variant)
            index += 1
        }
        return (Catalog(gpus: catalog.sortedGPUs, machines: variants + catalog.sortedMachines, models: catalog.sortedModels, origins: catalog.origins),
                variants.map(\.id))
    }
    print("\nScale: design auto, one plan per instance under a 60 s run limit (wall time of the whole plan command's work)")
    print("types  rate req/s   wall         status       gap        solves  machines  USD/h")
    for (types, rate) in [(4, 100.0), (8, 100), (16, 100), (32, 100), (64, 100), (4, 1_000), (4, 10_000), (4, 100_000)] {
        let (generated, candidates) = catalogue(types: types)
        var scenario = base
        scenario.machines = candidates
        scenario.designs = [.auto]
        let planner = ProvisioningPlanner(catalog: generated, solver: GLPKSolver(), options: .within(Deadline(limitSeconds: 60)))
        let (plans, wall) = try timed { try planner.plan(PlanRequest(scenario: scenario, traces: traces, ratePerSecond: rate)) }
        let plan = plans.first
        let gap = plan?.solver.gap.map { String(format: "%.3f %%", 100 * $0) } ?? "-"
        print(String(format: "%5d  %10.0f  ", types, rate) + milliseconds(wall) + "  "
              + (plan?.solver.status.rawValue ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0) + " "
              + gap.padding(toLength: 10, withPad: " ", startingAt: 0)
              + String(format: " %6d  %8d  %.1f", plan?.solver.solves ?? 0, plan?.pools.reduce(0) { $0 + $1.count } ?? 0, plan?.costPerHourUSD ?? 0))
    }
}
