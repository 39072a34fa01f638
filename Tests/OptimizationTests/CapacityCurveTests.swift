import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing

@Suite struct CapacityCurveTests {
    typealias Point = CapacityCurve.Point

    /// Points (0, 0), (1, 0.5), (2, 1.4), (4, 3.2): 3 machines carry 2's 1.4 plus one at 2's rate 0.7;
    /// 6 carry 3.2 plus two at 4's rate 0.8.
    @Test func betweenAndBeyondPointsMachinesAddTheLowerPointsRate() {
        let curve = CapacityCurve(points: [Point(machines: 0, capacity: 0), Point(machines: 1, capacity: 0.5),
                                           Point(machines: 2, capacity: 1.4), Point(machines: 4, capacity: 3.2)])
        #expect(curve.capacity(machines: 0) == 0 && curve.capacity(machines: 2) == 1.4)
        #expect(abs(curve.capacity(machines: 3) - 2.1) < 1e-12 && abs(curve.capacity(machines: 6) - 4.8) < 1e-12)
        #expect(curve.smallestCount(carrying: 1.4) == 2 && curve.smallestCount(carrying: 2.0) == 3)
        #expect(curve.smallestCount(carrying: 3.2) == 4 && curve.smallestCount(carrying: 4.0) == 5 && curve.smallestCount(carrying: 4.01) == 6)
        #expect(!curve.isLinear && CapacityCurve.linear(perMachine: 0.9).isLinear)
    }

    /// Every count to 4, then steps of 1.5 rounded up: 6, 9, 13.5 → 14. Adaptive steps: a rate that grew
    /// 2 % from 4 to 8 machines (per ln 2) steps by exp(0.002 / (0.02 / ln 2)) = 1.072, rounded up to 9; a flat one doubles.
    @Test func spacingIsEveryCountThenGeometricOrByGrowth() {
        let fixed = CapacityCurve.Spacing(everyCountThrough: 4, ratio: 1.5)
        var points = (0...4).map { Point(machines: $0, capacity: Double($0)) }
        #expect(fixed.next(after: Array(points.prefix(3))) == 3 && fixed.next(after: points) == 6)
        points.append(Point(machines: 6, capacity: 6))
        #expect(fixed.next(after: points) == 9)
        let adaptive = CapacityCurve.Spacing(everyCountThrough: 4, tolerance: 0.002)
        let growing = [Point(machines: 0, capacity: 0), Point(machines: 4, capacity: 4), Point(machines: 8, capacity: 8 * 1.02)]
        #expect(adaptive.next(after: growing) == 9)
        let flat = [Point(machines: 0, capacity: 0), Point(machines: 4, capacity: 4), Point(machines: 8, capacity: 8)]
        #expect(adaptive.next(after: flat) == 16)
    }

    /// Computing stops at the ceiling (exact beyond), and otherwise once the demand is carried.
    @Test func computeStopsAtTheCeilingOrTheDemand() throws {
        let rate = { (n: Int) -> Double? in 0.9 * (1 - 1 / Double(n + 1)) * 1.25 }
        let capped = try #require(CapacityCurve.compute(ceiling: 0.9, spacing: .init(everyCountThrough: 64), done: { _ in false }) { min(rate($0) ?? 0, 0.9) })
        // 1.125 (1 − 1/(n+1)) ≥ 0.9 first at n = 4.
        #expect(capped.points.map(\.machines) == [0, 1, 2, 3, 4] && capped.perMachineBeyond == 0.9)
        let demand = try #require(CapacityCurve.compute(spacing: .init(everyCountThrough: 64), done: { $0.capacity >= 2 }, perMachine: rate))
        // Capacities 0.5625, 1.5, 2.53: the third carries 2.
        #expect(demand.points.map(\.machines) == [0, 1, 2, 3])
    }

    /// A flat rate stops the curve after three flat points, except for the extra counts, computed exactly
    /// (a budget of 1,000 machines): 1, 2, 3 and 4, then 1,000, and nothing between.
    @Test func flatCurvesJumpToTheExtraCounts() throws {
        var asked: [Int] = []
        let curve = try #require(CapacityCurve.compute(spacing: .init(everyCountThrough: 4), extra: [1000], done: { _ in false }) {
            asked.append($0)
            return 1
        })
        #expect(asked == [1, 2, 3, 4, 1000] && curve.points.map(\.machines) == [0, 1, 2, 3, 4, 1000])
        #expect(curve.capacity(machines: 500) == 500 && curve.capacity(machines: 2000) == 2000)
    }

    /// A random curve whose rate per machine rises with the count towards `ceiling`, at some of the counts.
    static func randomCurve(_ random: inout SplitMix64) -> CapacityCurve {
        let ceiling = 0.5 + random.nextUnit(), halfway = 0.3 + 3 * random.nextUnit()
        var points = [Point(machines: 0, capacity: 0)]
        var n = 1 + random.nextIndex(2)
        while n <= 9 {
            points.append(Point(machines: n, capacity: Double(n) * ceiling * Double(n) / (Double(n) + halfway)))
            n += 1 + random.nextIndex(3)
        }
        return CapacityCurve(points: points)
    }

    /// GLPK on the encoding equals brute force over every count on 1,000 random programs: pools of one to
    /// three curves, each count up to a limit, sized freely or at most one of them used, carrying one load
    /// at least cost, or the most load a budget buys.
    @Test func encodingAgreesWithBruteForceOverEveryCount() throws {
        var compared = 0
        for seed in 1...1000 as ClosedRange<UInt64> {
            var random = SplitMix64(seed: seed)
            let curves = (0..<(1 + random.nextIndex(3))).map { _ in Self.randomCurve(&random) }
            let prices = curves.map { _ in Double(3 + random.nextIndex(20)) }
            let limits = curves.map { _ in 3 + random.nextIndex(10) }
            let maximises = random.nextUnit() < 0.5
            // Either each pool is sized freely, or at most one of them holds machines (one option per role).
            let oneOf = curves.count > 1 && random.nextUnit() < 0.5
            let load = 1 + 8 * random.nextUnit(), budget = Double(10 + random.nextIndex(150))
            var model = LinearModel()
            var carried = LinearExpression(), cost = LinearExpression()
            let machines = curves.indices.map { model.addVariable("n\($0)", kind: .integer, upper: Double(limits[$0])) }
            let sized = curves.indices.map { LinearModel.SizedPool(machines: machines[$0], curve: curves[$0], largest: Double(limits[$0])) }
            let capacities = oneOf ? model.capacities(ofOneOf: sized, name: "role").capacities
                : sized.indices.map { model.capacities(ofOneOf: [sized[$0]], name: "pool\($0)").capacities[0] }
            for p in curves.indices {
                let share = model.addVariable("x\(p)")
                model.addConstraint("capacity\(p)", LinearExpression(share) + (-1) * capacities[p], upper: 0)
                carried = carried + LinearExpression(share)
                cost = cost + prices[p] * machines[p]
            }
            if maximises {
                model.addConstraint("budget", cost, upper: budget)
                model.maximize(carried)
            } else {
                model.addConstraint("load", carried, lower: load)
                model.minimize(cost)
            }
            // Brute force: every vector of counts.
            var best: Double?
            var counts = [Int](repeating: 0, count: curves.count)
            while true {
                let spent = zip(counts, prices).reduce(0.0) { $0 + Double($1.0) * $1.1 }
                let capacity = zip(counts, curves).reduce(0.0) { $0 + $1.1.capacity(machines: $1.0) }
                let allowed = !oneOf || counts.filter { $0 > 0 }.count <= 1
                if allowed, maximises, spent <= budget + 1e-9 { best = max(best ?? 0, capacity) }
                if allowed, !maximises, capacity >= load - 1e-9 { best = min(best ?? .infinity, spent) }
                guard let next = counts.indices.first(where: { counts[$0] < limits[$0] }) else { break }
                for i in 0..<next { counts[i] = 0 }
                counts[next] += 1
            }
            let found = try GLPKSolver().solve(model, options: SolveOptions(relativeGap: 0))
            guard let best else {
                #expect(found.status == .infeasible, "seed \(seed)")
                continue
            }
            let value = try #require(found.objectiveValue, "seed \(seed): \(found.status)")
            #expect(abs(value - best) <= 1e-6 * max(1, best), "seed \(seed): GLPK \(value), brute force \(best)")
            compared += 1
        }
        #expect(compared >= 800, "\(compared) of 1,000 feasible")
    }
}
