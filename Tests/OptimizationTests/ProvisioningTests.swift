import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}

func planner() throws -> ProvisioningPlanner {
    ProvisioningPlanner(catalog: try Catalog.load(directory: Repository.url("Catalog")), solver: GLPKSolver())
}

func request(_ scenario: String, design: Design? = nil, objective: Objective? = nil, budget: Budget? = nil, rate: Double? = nil) throws -> PlanRequest {
    let loaded = try Scenario.load(Repository.url(scenario))
    return PlanRequest(scenario: loaded, traces: try loaded.loadTraces(), design: design, objective: objective, budget: budget, ratePerSecond: rate)
}

@Suite struct ProvisioningTests {
    /// Queueing facts the caps rest on: M/M/1 P(W > 0) = ρ; Erlang C for one server is ρ;
    /// Erlang C(2, a=1) = 1/3 by hand.
    @Test func queueingFormulas() {
        #expect(abs(Queueing.waitExceeds(0, utilisation: 0.7, meanServiceSeconds: 1) - 0.7) < 1e-12)
        #expect(Queueing.waitExceeds(-1, utilisation: 0.7, meanServiceSeconds: 1) == 1)
        #expect(abs(Queueing.waitExceeds(2, utilisation: 0.5, meanServiceSeconds: 1) - 0.5 * exp(-1)) < 1e-12)
        #expect(abs(Queueing.erlangC(servers: 1, offeredLoad: 0.6) - 0.6) < 1e-12)
        #expect(abs(Queueing.erlangC(servers: 2, offeredLoad: 1) - 1.0 / 3) < 1e-12)
        // Poisson(2): P(N > 1) = 1 − e⁻²(1 + 2) = 0.593994...
        #expect(abs(Queueing.poissonExceeds(1, mean: 2) - (1 - 3 * exp(-2))) < 1e-12)
        #expect(Queueing.poissonExceeds(-1, mean: 2) == 1 && Queueing.poissonExceeds(5, mean: 0) == 0)
    }

    /// Minimum cost means minimal pools: with any one machine removed, the pools no longer sustain the
    /// rate under the caps of their new sizes (a linear program with the counts held).
    @Test(arguments: [Design.splitwiseHH, .splitwiseHA, .baselineH100])
    func poolsAreMinimal(design: Design) throws {
        let planner = try planner()
        let planRequest = try request("Scenarios/quickstart.json", design: design)
        let context = try planner.context(planRequest)
        let (plan, input) = try planner.solve(planRequest, context: context, design: design, designIndex: 0)
        #expect(plan.feasible && plan.latencies.allSatisfy(\.met))
        let priced = plan.pools.reduce(0.0) { $0 + Double($1.count) * ($1.machine == "dgx-h100" ? 38 : 17.6) }
        #expect(abs(plan.costPerHourUSD - priced) < 1e-6)
        for removed in plan.pools.indices {
            var pools = plan.pools
            pools[removed].count -= 1
            var smaller = plan
            smaller.pools = pools.filter { $0.count > 0 }
            let counts = Dictionary(smaller.pools.map { (ProvisioningFormulation.poolKey(ProvisioningPlanner.label($0), $0.role), Double($0.count)) },
                                    uniquingKeysWith: +)
            var builder = ProvisioningInputBuilder(catalog: planner.catalog, scenario: planRequest.scenario, model: context.model, design: design,
                                                   designIndex: 0, classes: context.classes, slo: context.slo, budget: Budget(), tbtHeadroom: 1)
            builder.poolServers = ProvisioningPlanner.poolServers(smaller, input: input)
            var sustained = 0.0
            for headroom in ProvisioningPlanner.tbtHeadroomLevels {
                builder.tbtHeadroom = headroom
                sustained = max(sustained, try ProvisioningSolve.sustainedScale(input: try builder.build(), counts: counts, solver: GLPKSolver(),
                                                                                options: SolveOptions()))
            }
            #expect(sustained < 1, "\(design): removing one \(plan.pools[removed].role) machine still sustains \(sustained)x the rate")
        }
    }

    /// Doubling the rate never makes the cheapest plan cheaper, and the planned rate is what was asked.
    @Test func costGrowsWithRate() throws {
        let low = try #require(try planner().plan(try request("Scenarios/quickstart.json", design: .splitwiseHH, rate: 10)).first)
        let high = try #require(try planner().plan(try request("Scenarios/quickstart.json", design: .splitwiseHH, rate: 20)).first)
        #expect(abs(low.requestsPerSecond - 10) < 1e-6 && abs(high.requestsPerSecond - 20) < 1e-6)
        #expect(high.costPerHourUSD >= low.costPerHourUSD && high.sustainableRequestsPerSecond >= 20 - 1e-6)
    }

    /// An infeasible cap is an answer: the relaxation names the cheapest feasible cost, which is exactly
    /// the uncapped minimum-cost plan's cost.
    @Test func infeasibleCapReportsTheLeastRelaxation() throws {
        let capped = try #require(try planner().plan(try request("Scenarios/quickstart.json", design: .splitwiseHH, budget: Budget(costPerHourUSD: 100))).first)
        let free = try #require(try planner().plan(try request("Scenarios/quickstart.json", design: .splitwiseHH)).first)
        #expect(!capped.feasible && capped.pools.isEmpty)
        let needed = try #require(capped.relaxation?.costPerHourUSD)
        #expect(abs(needed - free.costPerHourUSD) < 1e-6)
        let largest = try #require(capped.relaxation?.maxRequestsPerSecond)
        #expect(largest > 0 && largest < 20)
    }

    /// Max-throughput under a power cap uses the cap and serves a positive rate on every split design.
    @Test func maxThroughputFillsTheBudget() throws {
        let plans = try planner().plan(try request("Scenarios/splitwise-coding-llama2-70b-iso-power.json"))
        #expect(plans.count == 6)
        for plan in plans where plan.design.hasPrefix("splitwise") {
            #expect(plan.feasible && plan.requestsPerSecond > 0 && plan.powerKW <= 408 + 1e-6, "\(plan.design)")
        }
        #expect(plans.first?.design.hasPrefix("splitwise") == true)
    }
}
