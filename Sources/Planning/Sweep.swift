import ClusterModel
import Foundation
import Optimization

/// What a sweep varies.
public enum SweepAxis: String, Sendable, Codable, CaseIterable {
    case costCap = "cost-cap"
    case powerCap = "power-cap"
    case rate

    public var unit: String {
        switch self {
        case .costCap: return "USD/h"
        case .powerCap: return "kW"
        case .rate: return "req/s"
        }
    }
}

/// One design at one value of the swept figure.
public struct SweepPoint: Sendable, Codable, Equatable {
    public var design: String
    public var value: Double
    public var feasible: Bool
    public var requestsPerSecond: Double
    public var costPerHourUSD: Double
    public var powerKW: Double
    public var pools: String
    /// No other point of the same design serves more requests for less (cost or power, by axis).
    public var onFrontier: Bool
}

/// Plans each design across a range: under a cost or power cap, the largest rate it allows
/// (max-throughput); at a rate, the cheapest pools (min-cost).
public struct Sweep: Sendable {
    public var planner: ProvisioningPlanner

    public init(planner: ProvisioningPlanner) { self.planner = planner }

    public static func values(from lower: Double, to upper: Double, steps: Int) -> [Double] {
        guard steps > 1 else { return [lower] }
        return (0..<steps).map { lower + (upper - lower) * Double($0) / Double(steps - 1) }
    }

    public func run(scenario: Scenario, traces: [URL: Trace], designs: [Design], axis: SweepAxis, values: [Double],
                    progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [SweepPoint] {
        // Each design's steps in two interleaved series, the series on every core: a series plans its steps in
        // turn and reuses the profiles they share, and two per design keep both cores busy for one design.
        let series = designs.indices.flatMap { design in
            (0..<2).map { part in (design: design, steps: values.indices.filter { $0 % 2 == part }) }
        }.filter { !$0.steps.isEmpty }
        let planned = try series.concurrentMap { series -> [(slot: Int, point: SweepPoint?)] in
            let design = designs[series.design]
            let requests = series.steps.map { request(scenario: scenario, traces: traces, design: design, axis: axis, value: values[$0]) }
            let plans = try planner.plan(series: requests) { step in
                progress("\(design.rawValue) at \(String(format: "%g", values[series.steps[step]])) \(axis.unit)")
            }
            return zip(series.steps, plans).map { step, plans in
                let slot = series.design * values.count + step
                guard let plan = plans.first else { return (slot, nil) }
                return (slot, SweepPoint(design: design.rawValue, value: values[step], feasible: plan.feasible, requestsPerSecond: plan.requestsPerSecond,
                                         costPerHourUSD: plan.costPerHourUSD, powerKW: plan.powerKW, pools: plan.poolSummary, onFrontier: false))
            }
        }
        // In the order of designs, then values, as one plan after another gives them.
        let points = planned.flatMap { $0 }.sorted { $0.slot < $1.slot }.compactMap(\.point)
        return Self.markFrontier(points, byPower: axis == .powerCap)
    }

    private func request(scenario: Scenario, traces: [URL: Trace], design: Design, axis: SweepAxis, value: Double) -> PlanRequest {
        var request = PlanRequest(scenario: scenario, traces: traces, design: design)
        request.predictedLatencies = .none
        switch axis {
        case .costCap:
            request.objective = .maxThroughput
            request.budget = Budget(costPerHourUSD: value, powerKW: scenario.budget.powerKW)
        case .powerCap:
            request.objective = .maxThroughput
            request.budget = Budget(costPerHourUSD: scenario.budget.costPerHourUSD, powerKW: value)
        case .rate:
            request.objective = scenario.objective == .minPower ? .minPower : .minCost
            request.ratePerSecond = value
        }
        return request
    }

    /// Pareto frontier per design: sorted by cost (or power), a point is on it when it serves more than
    /// every cheaper point.
    static func markFrontier(_ points: [SweepPoint], byPower: Bool) -> [SweepPoint] {
        var marked = points
        for design in Set(points.map(\.design)) {
            let indices = marked.indices.filter { marked[$0].design == design && marked[$0].feasible && marked[$0].requestsPerSecond > 0 }
                .sorted { (byPower ? marked[$0].powerKW : marked[$0].costPerHourUSD, -marked[$0].requestsPerSecond)
                    < (byPower ? marked[$1].powerKW : marked[$1].costPerHourUSD, -marked[$1].requestsPerSecond) }
            var best = 0.0
            for index in indices where marked[index].requestsPerSecond > best * (1 + 1e-9) {
                marked[index].onFrontier = true
                best = marked[index].requestsPerSecond
            }
        }
        return marked
    }
}

/// Which design wins where along a sweep: at each value the design serving the most requests (cost and
/// power sweeps), or the cheapest (by power under a min-power objective) that serves the rate (rate
/// sweeps); consecutive values with the same winner form one stretch.
public struct SweepWinner: Sendable, Codable, Equatable {
    public var fromValue: Double
    public var toValue: Double
    /// The winning design, nil where no design is feasible.
    @NullEncodable public var design: String?

    public static func stretches(_ points: [SweepPoint], axis: SweepAxis, byPower: Bool = false) -> [SweepWinner] {
        let values = Array(Set(points.map(\.value))).sorted()
        var stretches: [SweepWinner] = []
        for value in values {
            let feasible = points.filter { $0.value == value && $0.feasible && $0.requestsPerSecond > 0 }
            let best: SweepPoint? = axis == .rate
                ? feasible.min { (byPower ? $0.powerKW : $0.costPerHourUSD, $0.design) < (byPower ? $1.powerKW : $1.costPerHourUSD, $1.design) }
                : feasible.max { ($0.requestsPerSecond, $1.design) < ($1.requestsPerSecond, $0.design) }
            if let last = stretches.last, last.design == best?.design {
                stretches[stretches.count - 1].toValue = value
            } else {
                stretches.append(SweepWinner(fromValue: value, toValue: value, design: best?.design))
            }
        }
        return stretches
    }
}
