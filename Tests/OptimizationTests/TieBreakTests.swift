import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing
import Throughput

@Suite struct TieBreakTests {
    /// Every quick-start machine beside a twin of the same price and speed whose host draws 1 kW less: any
    /// plan with an original has a twin plan of the same cost and less power, so the cheapest plan
    /// (min-cost) holds twins only, as does the least-power plan (min-power). The objective's 1e-6 weight
    /// on power alone sits inside the solver's relative gap and does not settle the first.
    @Test(arguments: [Objective.minCost, .minPower])
    func equalCostPlansPickTheLeanerMachines(objective: Objective) throws {
        let catalog = try Catalog.load(directory: Repository.url("Catalog"))
        let model = try #require(catalog.models["llama2-70b"])
        let originals = catalog.sortedMachines.filter { (try? Deployment(model: model, machine: $0, catalog: catalog)) != nil }
        let twins = originals.map { original -> MachineSpec in
            var twin = original
            twin.id = MachineID("\(original.id)-lean")
            twin.powerKW -= 1
            return twin
        }
        let both = Catalog(gpus: catalog.sortedGPUs, machines: catalog.sortedMachines + twins, models: catalog.sortedModels, origins: catalog.origins)
        var scenario = try Scenario.load(Repository.url("Scenarios/quickstart.json"))
        scenario.machines = originals.map(\.id) + twins.map(\.id)
        scenario.designs = [.auto]
        let planner = ProvisioningPlanner(catalog: both, solver: GLPKSolver())
        for rate in [20.0, 45, 90] {
            let request = PlanRequest(scenario: scenario, traces: try scenario.loadTraces(), objective: objective, ratePerSecond: rate)
            let plan = try #require(try planner.plan(request).first)
            #expect(plan.feasible)
            #expect(plan.pools.allSatisfy { $0.machine.hasSuffix("-lean") }, "\(rate) req/s: \(plan.pools.map { "\($0.role):\($0.machine)=\($0.count)" })")
            // Planned on the originals alone: the cheapest plan costs the same (the twins' twin plan), the
            // leanest draws more (every plan's twin draws less).
            var originalsOnly = scenario
            originalsOnly.machines = originals.map(\.id)
            let heavier = try #require(try planner.plan(PlanRequest(scenario: originalsOnly, traces: try scenario.loadTraces(), objective: objective,
                                                                    ratePerSecond: rate)).first)
            if objective == .minCost {
                #expect(abs(plan.costPerHourUSD - heavier.costPerHourUSD) < 1e-6, "\(rate) req/s: \(plan.costPerHourUSD) against \(heavier.costPerHourUSD)")
            }
            #expect(plan.powerKW < heavier.powerKW - 0.5, "\(rate) req/s: \(plan.powerKW) kW against \(heavier.powerKW) kW")
        }
    }
}
