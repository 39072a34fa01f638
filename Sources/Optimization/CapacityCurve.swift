import Foundation

/// What a pool of n machines can carry, for every n. A pool's latency percentiles depend on how many
/// machines share its queue (more servers smooth one queue's variability, Erlang C; join-shortest-queue
/// finds an idle instance more often), so the load n machines carry within the SLOs grows faster than n.
/// The program holds this curve exactly (`LinearModel.capacities(ofOneOf:name:)`), instead of solving with the
/// caps of guessed pool sizes and re-solving until the sizes agree.
///
/// Capacity is computed at `points`; a count between two points carries the lower point's capacity per
/// machine, as does every count beyond the last. Capacity per machine never falls as a pool grows, so
/// this is exact at every point and on the safe side between them.
public struct CapacityCurve: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var machines: Int
        public var capacity: Double
    }

    /// Ascending counts from (0, 0).
    public private(set) var points: [Point]

    public init(points: [Point]) {
        self.points = points
        assert(points.first == Point(machines: 0, capacity: 0), "a capacity curve starts at no machines")
        assert(zip(points, points.dropFirst()).allSatisfy { $0.machines < $1.machines }, "a capacity curve's counts ascend")
    }

    /// The same capacity per machine at every count.
    public static func linear(perMachine: Double) -> CapacityCurve {
        CapacityCurve(points: [Point(machines: 0, capacity: 0), Point(machines: 1, capacity: perMachine)])
    }

    /// Capacity of the last point per machine: what each machine beyond it adds.
    public var perMachineBeyond: Double {
        guard let last = points.last, last.machines > 0 else { return 0 }
        return last.capacity / Double(last.machines)
    }

    /// Proportional to the count: the row needs no choice of point.
    public var isLinear: Bool {
        let rate = perMachineBeyond
        return points.dropFirst().allSatisfy { abs($0.capacity - rate * Double($0.machines)) <= 1e-12 * max($0.capacity, 1) }
    }

    /// Capacity of `machines` machines: the point at or below it, plus what the machines above that point add at its rate.
    public func capacity(machines: Int) -> Double {
        guard machines > 0 else { return 0 }
        let index = points.lastIndex { $0.machines <= machines } ?? 0
        let point = points[index]
        guard point.machines > 0 else { return 0 }
        return point.capacity + Double(machines - point.machines) * point.capacity / Double(point.machines)
    }

    /// The same curve in other units.
    func scaled(by factor: Double) -> CapacityCurve {
        CapacityCurve(points: points.map { Point(machines: $0.machines, capacity: $0.capacity * factor) })
    }

    /// How far apart the counts a curve is computed at lie: every count up to `everyCountThrough`, then
    /// steps of `ratio`, or (`tolerance` set) steps that the rate's growth so far says lift it by about
    /// `tolerance` (relative), between 5 % and 100 % of the count: what a count between points loses.
    struct Spacing {
        var everyCountThrough: Int
        var ratio = 1.05
        var tolerance: Double?

        func next(after points: [Point]) -> Int {
            guard let last = points.last else { return 1 }
            guard last.machines >= everyCountThrough else { return last.machines + 1 }
            var step = ratio
            if let tolerance, points.count >= 3 {
                let before = points[points.count - 2]
                let rate = last.capacity / Double(last.machines), earlier = before.capacity / Double(max(before.machines, 1))
                let growth = earlier > 0 ? (rate / earlier - 1) / log(Double(last.machines) / Double(max(before.machines, 1))) : 0
                step = growth > 0 ? min(max(exp(tolerance / growth), 1.05), 2) : 2
            }
            return max(last.machines + 1, Int((Double(last.machines) * step).rounded(.up)))
        }
    }

    /// Computes a curve: `perMachine(n)` is the capacity of one machine of an n-machine pool (nil when n
    /// machines cannot meet the SLOs even idle). Stops once a point satisfies `done`, or sooner once the
    /// rate meets `ceiling` (a cap that no pool size lifts: every count beyond carries it exactly) or stays
    /// flat. `extra`: counts to compute as well (a budget's largest pool, where max-throughput plans sit).
    static func compute(ceiling: Double = .infinity, spacing: Spacing, extra: [Int] = [],
                        done: (Point) -> Bool, perMachine: (Int) -> Double?) -> CapacityCurve? {
        let extra = extra.filter { $0 > 0 && $0 <= ProvisioningFormulation.largestPool }.sorted()
        var points = [Point(machines: 0, capacity: 0)]
        var rate: Double?, flat = 0
        while let last = points.last, last.machines < ProvisioningFormulation.largestPool {
            let nextExtra = extra.first { $0 > last.machines } ?? .max
            // Once flat, only the extra counts are left to compute exactly (no point between would differ).
            let n = min(flat >= 3 ? nextExtra : spacing.next(after: points), nextExtra, ProvisioningFormulation.largestPool)
            // Nil: the SLOs fail even without load, whatever the pool's size.
            guard let found = perMachine(n) else { break }
            // Flat for three points running: larger pools carry no more per machine (to 0.01 %), and the
            // last point's rate, extended, stays on the safe side (past the extra counts, which stay exact).
            if flat < 3 { flat = rate.map { found <= $0 * (1 + 1e-4) } ?? false ? flat + 1 : 0 }
            rate = found
            let point = Point(machines: n, capacity: found * Double(n))
            points.append(point)
            if found >= ceiling || (flat >= 3 && n >= extra.last ?? 0) || done(point) { break }
        }
        return points.count > 1 ? CapacityCurve(points: points) : nil
    }
}

extension CapacityCurve {
    /// The fewest machines that carry `load` (Int.max / 2, more than any pool, when no count does).
    func smallestCount(carrying load: Double) -> Int {
        guard load > 0 else { return 0 }
        if let point = points.first(where: { $0.machines > 0 && $0.capacity >= load * (1 - 1e-12) }) {
            // Between the previous point and this one, machines add the previous point's rate.
            let index = points.firstIndex(of: point) ?? 0
            let previous = points[max(index - 1, 0)]
            guard previous.machines > 0 else { return point.machines }
            let rate = previous.capacity / Double(previous.machines)
            return min(point.machines, previous.machines + Int(((load - previous.capacity) / rate * (1 - 1e-12)).rounded(.up)))
        }
        let rate = perMachineBeyond, last = points.last ?? Point(machines: 0, capacity: 0)
        guard rate > 0 else { return Int.max / 2 }
        return last.machines + Int(((load - last.capacity) / rate * (1 - 1e-12)).rounded(.up))
    }
}
