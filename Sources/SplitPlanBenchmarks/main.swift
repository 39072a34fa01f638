import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Simulation

// Prints solver and simulator figures: medians of repeated runs, release build.
// Usage: splitplan-bench [REPEATS]   (planning and a Llama2-70B simulation)
//        splitplan-bench simulator [REPEATS]   (the simulator at operating load, in a process of its own)
//        splitplan-bench scale   (design auto over 4 to 64 machine types, and rates up to 100,000 req/s)
//        splitplan-bench study [REPEATS]   (the Splitwise study's verified comparisons, against drained runs)
//        splitplan-bench commands [REPEATS]   (whole `splitplan plan FILE` commands, each in a process of its own)
let arguments = Array(CommandLine.arguments.dropFirst())
let simulatorOnly = arguments.first == "simulator"
let repeats = max(Int((simulatorOnly ? arguments.dropFirst() : arguments[...]).first ?? "") ?? 7, 1)
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func milliseconds(_ seconds: Double) -> String { String(format: "%8.2f ms", seconds * 1000) }

func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

/// Runs one benchmark mode and exits: 0 when it finished, 1 (with the error) when it threw.
func runAndExit(_ benchmark: () throws -> Void) -> Never {
    do {
        try benchmark()
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("splitplan-bench: \(error)\n".utf8))
        exit(1)
    }
}

// Dispatched here, after the globals above: top-level code in main.swift runs in order.
if arguments.first == "scale" { runAndExit(scaleBenchmark) }
if arguments.first == "study" { runAndExit { try studyBenchmark(repeats: max(Int(arguments.dropFirst().first ?? "") ?? 3, 1)) } }
if arguments.first == "commands" { runAndExit { try commandBenchmark(repeats: max(Int(arguments.dropFirst().first ?? "") ?? 15, 1)) } }
if simulatorOnly { runAndExit { try simulatorBenchmark(repeats: repeats) } }

do {
    let catalog = try Catalog.load(directory: root.appendingPathComponent("Catalog"))
    print("Shipped scenarios: every design the file names (one program per headroom level, and the sustained-rate check); median of \(repeats) runs")
    print("scenario".padding(toLength: 50, withPad: " ", startingAt: 0) + "  designs  solves  median GLPK/solve   median plan wall")
    let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Scenarios").path).filter { $0.hasSuffix(".json") }.sorted()
    for file in files {
        let scenario = try Scenario.load(root.appendingPathComponent("Scenarios/\(file)"))
        let planner = ProvisioningPlanner(catalog: try scenario.applyingCatalogOverrides(to: catalog), solver: GLPKSolver())
        let request = PlanRequest(scenario: scenario, traces: try scenario.loadTraces())
        var perSolve: [Double] = [], walls: [Double] = [], designs = 0, solves = 0
        for _ in 0..<repeats {
            let (plans, wall) = try timed { try planner.plan(request) }
            walls.append(wall)
            designs = plans.count
            solves = plans.reduce(0) { $0 + $1.solver.solves }
            perSolve += plans.map { $0.solver.seconds / Double(max($0.solver.solves, 1)) }
        }
        print(file.padding(toLength: 50, withPad: " ", startingAt: 0) + String(format: "  %7d  %6d", designs, solves)
              + "  " + milliseconds(median(perSolve)) + "        " + milliseconds(median(walls)))
    }

    // A large instance: 15 machine types (each catalogue machine at list, spot and reserved prices), every
    // power cap they allow, 3 roles, 64 workload classes (8 prompt × 8 output buckets), design auto.
    var machines: [MachineSpec] = []
    for machine in catalog.sortedMachines {
        for (suffix, factor) in [("list", 1.0), ("spot", 0.7), ("reserved", 0.55)] {
            var variant = machine
            variant.id = MachineID("\(machine.id)-\(suffix)")
            variant.pricePerHourUSD = machine.pricePerHourUSD * factor
            machines.append(variant)
        }
    }
    // The originals stay in the catalogue as the SLO reference; the candidates are the variants (three prices per machine).
    let large = Catalog(gpus: catalog.sortedGPUs, machines: machines + catalog.sortedMachines, models: catalog.sortedModels, origins: catalog.origins)
    var scenario = try Scenario.load(root.appendingPathComponent("Scenarios/quickstart.json"))
    scenario.machines = machines.map(\.id)
    scenario.designs = [.auto]
    let request = PlanRequest(scenario: scenario, traces: try scenario.loadTraces(), ratePerSecond: 100)
    var largePlanner = ProvisioningPlanner(catalog: large, solver: GLPKSolver(), options: SolveOptions(timeLimitSeconds: 60, relativeGap: 0.01))
    largePlanner.promptBuckets = 8
    largePlanner.outputBuckets = 8
    let model = try largePlanner.linearModel(request, design: .auto)
    var relaxed = LinearModel()
    for variable in model.variables { relaxed.addVariable(variable.name, lower: variable.lower, upper: variable.upper) }
    for constraint in model.constraints { relaxed.addConstraint(constraint.name, constraint.expression, lower: constraint.lower, upper: constraint.upper) }
    relaxed.minimize(model.objective)
    var milp: [Double] = [], lp: [Double] = [], last: SolveResult?
    for _ in 0..<repeats {
        let result = try GLPKSolver().solve(model, options: SolveOptions(timeLimitSeconds: 60, relativeGap: 0.01))
        milp.append(result.seconds)
        last = result
        lp.append(try GLPKSolver().solve(relaxed, options: SolveOptions(timeLimitSeconds: 60)).seconds)
    }
    let integers = model.variables.filter { $0.kind != .continuous }.count
    print("\nLarge instance: \(machines.count) machine types, \(integers) integer counts (types × caps × roles), 64 classes, "
          + "\(model.variables.count) variables, \(model.constraints.count) constraints")
    print("MILP to a 1 % gap: median \(milliseconds(median(milp))), status \(last?.status.rawValue ?? "-"), gap \(String(format: "%.4f %%", 100 * (last?.relativeGap ?? .nan)))")
    print("LP relaxation (baseline, same run): median \(milliseconds(median(lp))); MILP / LP = \(String(format: "%.1f", median(milp) / max(median(lp), 1e-9)))x")
    let (plans, wall) = try timed { try largePlanner.plan(request) }
    print("Full plan (one program per headroom level, with checks): \(milliseconds(wall)); feasible \(plans.first?.feasible ?? false), "
          + "cost \(String(format: "%.1f", plans.first?.costPerHourUSD ?? 0)) USD/h; GLPK \(String(format: "%.1f", plans.first?.solver.seconds ?? 0)) s over \(plans.first?.solver.solves ?? 0) solves")

    // Simulator: 10 minutes of the conversation workload at 80 req/s, sizes resampled from the trace,
    // on 25 prompt + 15 token DGX-H100s.
    let conversation = root.appendingPathComponent("Scenarios/traces/conversation.csv")
    let workload = Workload.generated(GeneratedWorkload(
        arrivals: .poisson(ratePerSecond: 80), promptTokens: .trace(file: conversation), outputTokens: .trace(file: conversation),
        durationSeconds: 600))
    let simulationRequests = try workload.requests(traces: [conversation: try Trace.load(conversation)], seed: 1)
    let llama = try catalog.model("llama2-70b", file: "benchmark", jsonPath: "model")
    let cluster = [PoolSpec(role: .prompt, machine: "dgx-h100", count: 25), PoolSpec(role: .token, machine: "dgx-h100", count: 15)]
    var walls: [Double] = [], eventCounts = 0, completed = 0
    for _ in 0..<repeats {
        let simulation = try ClusterSimulation(requests: simulationRequests, pools: cluster, model: llama, catalog: catalog)
        let (trace, wall) = timed { simulation.run() }
        walls.append(wall)
        eventCounts = trace.events
        completed = trace.outcomes.filter { $0.dropReason == nil }.count
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print("\nSimulation: \(simulationRequests.count) requests (600 s of conversation at 80 req/s), 25 prompt + 15 token DGX-H100")
    print("median wall \(milliseconds(median(walls))) over \(repeats) runs; \(eventCounts) events, "
          + String(format: "%.2f M events/s", Double(eventCounts) / median(walls) / 1e6) + ", \(completed) completed")
    print(String(format: "peak resident memory of this process: %.1f MB", Double(usage.ru_maxrss) / 1024))
} catch {
    FileHandle.standardError.write(Data("splitplan-bench: \(error)\n".utf8))
    exit(1)
}
