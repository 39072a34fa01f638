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
        let pairs = designs.flatMap { design in values.map { (design: design, value: $0) } }
        let points = try pairs.concurrentMap { pair -> SweepPoint? in
            let (design, value) = pair
            progress("\(design.rawValue) at \(String(format: "%g", value)) \(axis.unit)")
            var request = PlanRequest(scenario: scenario, traces: traces, design: design)
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
            guard let plan = try planner.plan(request).first else { return nil }
            return SweepPoint(design: design.rawValue, value: value, feasible: plan.feasible, requestsPerSecond: plan.requestsPerSecond,
                              costPerHourUSD: plan.costPerHourUSD, powerKW: plan.powerKW, pools: plan.poolSummary, onFrontier: false)
        }
        return Self.markFrontier(points.compactMap { $0 }, byPower: axis == .powerCap)
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
