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
    }

    /// The mixed-pool model's pieces by hand: the compound-Poisson stall tail (Panjer) against the Poisson
    /// tail when every stall has one size, and the occupancy sums against their closed forms.
    @Test func mixedPoolModelPieces() {
        // Stalls of exactly 0.25 s, slack 1 s: more than 1 s of stalls means 5 or more, so for N ~ Poisson(2)
        // P = 1 − e⁻²(1 + 2 + 2 + 4/3 + 2/3) = 1 − 7e⁻².
        let single = StallDistribution(sizes: [0.25], weights: [1])
        #expect(abs(single.exceeds(1, meanCount: 2) - (1 - 7 * exp(-2))) < 1e-9)
        #expect(single.exceeds(-0.1, meanCount: 2) == 1 && single.exceeds(1, meanCount: 0) == 0)
        // Two sizes, 0.3 s and 0.7 s, equally likely, slack 0.5 s: exceeded by any 0.7 s stall or by two 0.3 s
        // stalls. P(not) = P(no 0.7 s stall) · P(at most one 0.3 s stall) = e⁻¹ · e⁻¹(1 + 1) for N ~ Poisson(2).
        let two = StallDistribution(sizes: [0.3, 0.7], weights: [1, 1])
        #expect(abs(two.exceeds(0.5, meanCount: 2) - (1 - 2 * exp(-2))) < 1e-9)
        // The same stalls listed in another order, or one size listed twice, are the same distribution; stalls
        // of no time add nothing, so half the stalls at 0 s is the 0.25 s case at half the count.
        #expect(StallDistribution(sizes: [0.7, 0.3], weights: [1, 1]).exceeds(0.5, meanCount: 2) == two.exceeds(0.5, meanCount: 2))
        #expect(abs(StallDistribution(sizes: [0.25, 0.25], weights: [1, 1]).exceeds(1, meanCount: 2) - (1 - 7 * exp(-2))) < 1e-9)
        #expect(abs(StallDistribution(sizes: [0, 0.25], weights: [1, 1]).exceeds(1, meanCount: 4) - (1 - 7 * exp(-2))) < 1e-9)
        // One instance holds all N ~ Poisson(3): an arrival finds E[N] = 3 beside it, and someone with P(N ≥ 1).
        let one = JoinShortestQueue.arrivalView(heldMean: 3, instances: 1)
        #expect(abs(one.others - 3) < 1e-9 && abs(one.busy - (1 - exp(-3))) < 1e-12)
    }

    /// Token pools: decode work may fill the batch the TBT targets allow (continuous batching admits whatever
    /// memory holds), and KV memory is capped where a request finds it full with probability 1 %: Erlang C over
    /// the requests the memory holds at the mean context is at most 0.01 at the cap and above it just past.
    @Test func tokenPoolCaps() throws {
        let planner = try planner()
        let planRequest = try request("Scenarios/quickstart.json", design: .splitwiseHH)
        let context = try planner.context(planRequest)
        let (_, input, _) = try planner.solve(planRequest, context: context, design: .splitwiseHH, designIndex: 0)
        let profile = try #require(input.profiles.first { $0.tokenCapable })
        #expect(profile.tokenUtilisation == 1)
        let slots = profile.memoryBatch * profile.option.deployment.instancesPerMachine
        #expect(slots > 1 && profile.kvUtilisation > 0.5 && profile.kvUtilisation < 1)
        #expect(Queueing.erlangC(servers: slots, offeredLoad: profile.kvUtilisation * Double(slots)) <= 0.01 + 1e-12)
        #expect(Queueing.erlangC(servers: slots, offeredLoad: (profile.kvUtilisation + 1e-3) * Double(slots)) > 0.01)
    }

    /// Minimum cost means minimal pools: with any one machine removed, the pools no longer sustain the
    /// rate under the caps of their new sizes (a linear program with the counts held).
    @Test(arguments: [Design.splitwiseHH, .splitwiseHA, .baselineH100])
    func poolsAreMinimal(design: Design) throws {
        let planner = try planner()
        let planRequest = try request("Scenarios/quickstart.json", design: design)
        let context = try planner.context(planRequest)
        let (plan, input, latencies) = try planner.solve(planRequest, context: context, design: design, designIndex: 0)
        let predicted = latencies()
        #expect(plan.feasible && !predicted.isEmpty && predicted.allSatisfy(\.met))
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
