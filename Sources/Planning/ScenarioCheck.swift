import ClusterModel
import Foundation
import Optimization
import Simulation

/// CI checks: a scenario file is valid, plans, and meets its `expect` block (simulating when asked).
public struct ScenarioCheck: Sendable {
    public struct Expectation: Sendable, Codable, Equatable {
        public var name: String
        public var expected: String
        public var actual: String
        public var passed: Bool
    }

    public struct Outcome: Sendable, Codable, Equatable {
        public var file: String
        public var scenario: String
        /// Set when the file is invalid: the message, and no expectations were checked.
        @NullEncodable public var invalid: String?
        /// Set when the run's time limit stopped a solve or a simulation: what stopped, and what to do.
        @NullEncodable public var stopped: String?
        public var expectations: [Expectation]
        public var seconds: Double
        /// SHA-256 of the scenario file and of the catalogue it was checked with (empty when not read).
        public var sha256 = ""
        public var catalogSHA256 = ""

        public var passed: Bool { invalid == nil && stopped == nil && expectations.allSatisfy(\.passed) }
    }

    public var catalogOverride: Catalog?
    public var makePlanner: @Sendable (Catalog) -> ProvisioningPlanner
    public var seed: UInt64 = 1
    /// The run's wall-clock limit, for the checking simulations.
    public var deadline: Deadline?
    /// A trace whose arrivals and sizes replace every scenario's workload (`check --trace`).
    public var traceOverride: URL?

    public init(catalogOverride: Catalog?, deadline: Deadline? = nil, makePlanner: @escaping @Sendable (Catalog) -> ProvisioningPlanner) {
        self.catalogOverride = catalogOverride
        self.deadline = deadline
        self.makePlanner = makePlanner
    }

    public func check(_ url: URL, defaultCatalog: () throws -> Catalog) -> Outcome {
        let start = Date()
        var outcome = Outcome(file: url.path, scenario: url.deletingPathExtension().lastPathComponent, invalid: nil, stopped: nil,
                              expectations: [], seconds: 0)
        do {
            var scenario = try Scenario.load(url)
            outcome.scenario = scenario.name
            outcome.sha256 = scenario.sourceSHA256
            if let traceOverride { scenario.workload = .trace(TraceWorkload(file: traceOverride)) }
            let catalog = try scenario.applyingCatalogOverrides(
                to: catalogOverride ?? scenario.catalogDirectory.map { try Catalog.load(directory: $0) } ?? defaultCatalog())
            outcome.catalogSHA256 = catalog.digest
            try scenario.checkReferences(in: catalog)
            try scenario.checkDeployable(in: catalog)
            let traces = try scenario.loadTraces()
            let plans = try makePlanner(catalog).plan(PlanRequest(scenario: scenario, traces: traces))
            if plans.first?.solver.status == .timeLimit {
                outcome.stopped = "stopped at the run's time limit before a plan was found; raise --time-limit"
            }
            outcome.expectations = try evaluate(scenario, plan: plans.first, catalog: catalog, traces: traces)
                + Self.ratios(scenario.expect?.ratios ?? [], plans: plans)
                + scheduleExpectations(scenario, catalog: catalog, traces: traces)
        } catch let error as SimulationError {
            outcome.stopped = error.description
        } catch {
            outcome.invalid = "\(error)"
        }
        outcome.seconds = Date().timeIntervalSince(start)
        return outcome
    }

    /// Each ratio from the plans of its two designs (the planner's figures, not simulated ones).
    static func ratios(_ ratios: [DesignRatio], plans: [ProvisioningPlan]) -> [Expectation] {
        ratios.map { ratio in
            let name = "\(ratio.figure.rawValue) \(ratio.design.rawValue) / \(ratio.baseline.rawValue)"
            let bounds = [ratio.atLeast.map { ">= \(String(format: "%.2f", $0))" }, ratio.atMost.map { "<= \(String(format: "%.2f", $0))" }]
                .compactMap { $0 }.joined(separator: " and ") + " (\(ratio.claim))"
            guard let plan = plans.first(where: { $0.design == ratio.design.rawValue }), plan.feasible,
                  let reference = plans.first(where: { $0.design == ratio.baseline.rawValue }), reference.feasible else {
                return Expectation(name: name, expected: bounds, actual: "no feasible plan for both designs", passed: false)
            }
            func figure(_ plan: ProvisioningPlan) -> Double {
                switch ratio.figure {
                case .throughput: return plan.requestsPerSecond
                case .overloadThroughput: return plan.overload?.withBorrowingRequestsPerSecond ?? 0
                case .cost: return plan.costPerHourUSD
                case .power: return plan.powerKW
                }
            }
            let value = figure(reference) > 0 ? figure(plan) / figure(reference) : .infinity
            let passed = value >= (ratio.atLeast ?? -.infinity) && value <= (ratio.atMost ?? .infinity)
            return Expectation(name: name, expected: bounds, actual: String(format: "%.2fx", value), passed: passed)
        }
    }

    private func evaluate(_ scenario: Scenario, plan: ProvisioningPlan?, catalog: Catalog, traces: [URL: Trace]) throws -> [Expectation] {
        guard let plan else { return [] }
        let expect = scenario.expect ?? Expectations()
        var results: [Expectation] = []
        func money(_ value: Double) -> String { String(format: "%.2f", value) }
        if let feasible = expect.feasible {
            results.append(Expectation(name: "feasible", expected: "\(feasible)", actual: "\(plan.feasible)", passed: plan.feasible == feasible))
        }
        if let limit = expect.maxCostPerHourUSD {
            results.append(Expectation(name: "maxCostPerHourUSD", expected: "<= \(money(limit)) USD/h", actual: "\(money(plan.costPerHourUSD)) USD/h",
                                       passed: plan.feasible && plan.costPerHourUSD <= limit))
        }
        if let limit = expect.maxPowerKW {
            results.append(Expectation(name: "maxPowerKW", expected: "<= \(money(limit)) kW", actual: "\(money(plan.powerKW)) kW",
                                       passed: plan.feasible && plan.powerKW <= limit))
        }
        if let floor = expect.minRequestsPerSecond {
            let rate = max(plan.requestsPerSecond, plan.sustainableRequestsPerSecond)
            results.append(Expectation(name: "minRequestsPerSecond", expected: ">= \(money(floor)) req/s", actual: "\(money(rate)) req/s",
                                       passed: plan.feasible && rate >= floor))
        }
        if let design = expect.design {
            results.append(Expectation(name: "design", expected: design.rawValue, actual: plan.design, passed: plan.design == design.rawValue))
        }
        if let wanted = expect.sloMetInSimulation {
            var met = false
            var actual = "no plan to simulate"
            if plan.feasible {
                let pools = plan.poolCounts
                var simulation = ScenarioSimulation(scenario: scenario, catalog: catalog, traces: traces,
                                                    ratePerSecond: plan.requestsPerSecond, seed: seed)
                simulation.deadline = deadline
                let result = try simulation.run(pools: pools)
                met = result.sloMet
                let missed = result.slo.filter { !$0.met }.map { "\($0.metric) \($0.percentile) \($0.achieved.map { String(format: "%.2f", $0) } ?? "unmeasured (no request completed)") > \(String(format: "%.2f", $0.target))" }
                actual = met ? "all SLOs met" : "missed: " + (missed.isEmpty ? "\(result.dropped) dropped" : missed.joined(separator: ", "))
            }
            results.append(Expectation(name: "sloMetInSimulation", expected: "\(wanted)", actual: actual, passed: met == wanted))
        }
        return results
    }
}
