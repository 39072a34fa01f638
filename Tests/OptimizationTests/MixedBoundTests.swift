import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing
import Throughput

@Suite struct MixedBoundTests {
    /// The quick start's machines in `variants` performance grades each (every GEMM and memory read 3 % slower
    /// per grade, for 6 % less money): with their power caps, about 4 × variants mixed options.
    func catalogue(variants: Int) throws -> (Catalog, [MachineID]) {
        let catalog = try Catalog.load(directory: Repository.url("Catalog"))
        let model = try #require(catalog.models["llama2-70b"])
        let originals = catalog.sortedMachines.filter { (try? Deployment(model: model, machine: $0, catalog: catalog)) != nil }
        var machines: [MachineSpec] = []
        for original in originals {
            for grade in 0..<variants {
                var variant = original
                variant.id = MachineID("\(original.id)-g\(grade)")
                variant.pricePerHourUSD *= 1 - 0.06 * Double(grade)
                variant.calibration.computeEfficiency *= 1 - 0.03 * Double(grade)
                variant.calibration.memoryEfficiency *= 1 - 0.03 * Double(grade)
                machines.append(variant)
            }
        }
        return (Catalog(gpus: catalog.sortedGPUs, machines: machines + catalog.sortedMachines, models: catalog.sortedModels, origins: catalog.origins),
                machines.map(\.id))
    }

    /// Leaving out the mixed options whose bound is above a plan found gives the plan that every option's
    /// curve gives (min-cost and min-power, design auto, quick start at 60 req/s over graded machines), and
    /// does leave options out. Each bound is below the cost of the least pool its own curve carries the
    /// demand with: the capacity per machine it assumes is never exceeded at the counts a curve reaches.
    @Test(arguments: [Objective.minCost, .minPower])
    func boundsKeepTheBestPlan(objective: Objective) throws {
        let (catalog, machines) = try catalogue(variants: 4)
        var scenario = try Scenario.load(Repository.url("Scenarios/quickstart.json"))
        scenario.machines = machines
        scenario.designs = [.auto]
        let planRequest = PlanRequest(scenario: scenario, traces: try scenario.loadTraces(), objective: objective, ratePerSecond: 60)
        let bounded = ProvisioningPlanner(catalog: catalog, solver: GLPKSolver())
        var full = bounded
        full.boundsMixedOptions = false
        let context = try bounded.context(planRequest)
        let fast = try bounded.solve(planRequest, context: context, design: .auto, designIndex: 0).plan
        let slow = try full.solve(planRequest, context: try full.context(planRequest), design: .auto, designIndex: 0).plan
        let counts = { (plan: ProvisioningPlan) in plan.pools.map { "\($0.role):\($0.machine)@\($0.powerCap)=\($0.count)" } }
        #expect(fast.feasible && slow.feasible)
        #expect(counts(fast) == counts(slow), "\(counts(fast)) against \(counts(slow))")
        #expect(abs(fast.costPerHourUSD - slow.costPerHourUSD) < 1e-9 && abs(fast.powerKW - slow.powerKW) < 1e-9)

        let bounds = try #require(try bounded.mixedLowerBounds(planRequest, context: context, design: .auto, designIndex: 0, objective: objective))
        let best = try #require(fast.solver.objectiveValue)
        let leftOut = bounds.filter { $0.lowerBound > best * (1 + ProvisioningPlanner.mixedBoundMargin) }
        #expect(bounds.count >= 12 && leftOut.count >= bounds.count / 2, "\(leftOut.count) of \(bounds.count) left out")
        let input = try bounded.prepare(planRequest, context: context, design: .auto, designIndex: 0, tbtHeadroom: 1, curves: true)
        let demand = context.classes.reduce(0.0) { $0 + $1.ratePerSecond }
        for (index, curve) in input.mixedCurves {
            let option = input.profiles[index].option
            let bound = try #require(bounds.first { $0.label == option.label }?.lowerBound)
            let reference = try #require(input.mixedProfiles[index])
            let holding = context.classes.indices.reduce(0.0) { $0 + context.classes[$1].share * reference.holdingSeconds[$1] }
            let machines = Double(curve.smallestCount(carrying: demand * holding))
            let figure = objective == .minCost ? option.pricePerHourUSD : option.provisionedKW
            #expect(bound <= machines * figure * (1 + 1e-9), "\(option.label): bound \(bound), curve's least pool \(machines) machines")
        }
    }
}
