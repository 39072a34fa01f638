/// The prompt role's utilisation cap: the M/M/n wait against every TTFT and E2E target.
extension ServiceProfile {
    /// Largest utilisation of prompt work at which queueing keeps TTFT and E2E within their SLOs, given the
    /// time per output token the request will see afterwards. Nil when the machine misses them even idle.
    /// `servers`: prefill instances in the pool; more servers share one queue's variability (M/M/n).
    public func promptUtilisation(classes: [WorkloadClass], slo: SLOTargets, timePerOutputToken: Double, servers: Int = 1) -> Double? {
        let meanService = classes.indices.reduce(0.0) { $0 + classes[$1].share * prefillSeconds[$1] }
        let ttft = slo.of(.ttft), e2e = slo.of(.e2e)
        guard !ttft.isEmpty || !e2e.isEmpty else { return Self.defaultUtilisation }
        let allowances = WaitAllowances(profile: self, classes: classes, slo: slo, ttft: ttft, e2e: e2e, timePerOutputToken: timePerOutputToken)
        let cap = Queueing.largestUtilisation { rho in
            allowances.anyMissed(Queueing.WaitTail(utilisation: rho, meanServiceSeconds: meanService, servers: servers))
        }
        return cap.map { min($0, Self.defaultUtilisation) }
    }
}

/// The wait each TTFT and E2E target allows a class (a TTFT target, each of the class's prompt points),
/// worked out once per question: the utilisation search then evaluates the wait's tail at these ~50 times.
/// The verdict is `SLOTargets.anyMissedOverPrompts` over the TTFT targets, then `SLOTargets.anyMissed` over
/// the E2E targets, with the same sums in the same order. The tail falls as the wait grows, so a class's
/// tail at its shortest wait bounds its points' mean, and a target's at its shortest wait bounds them
/// all: a target the bounds keep within what it allows (by a margin above the sums' rounding) holds
/// without its sums, which is most of them, since one target binds where the search ends.
struct WaitAllowances {
    struct Target {
        /// The share of requests the target lets pass (1 − percentile).
        var passing: Double
        /// Per class for E2E; per class, then per prompt point, for TTFT.
        var waits: [Double]
        /// Per class, its shortest wait; and the shortest of all.
        var shortest: [Double]
        var shortestOfAll: Double
    }

    var ttft: [Target]
    var e2e: [Target]
    var shares: [Double]
    /// Prompt points per class.
    var points: [Int]
}

extension WaitAllowances {
    init(profile: ServiceProfile, classes: [WorkloadClass], slo: SLOTargets, ttft: [SLOTargets.Target], e2e: [SLOTargets.Target],
         timePerOutputToken: Double) {
        shares = classes.map(\.share)
        let points = slo.promptPointRatios.map(\.count)
        self.points = points
        self.ttft = ttft.map { target in
            let waits = classes.indices.map { k in
                slo.pointSeconds(target.seconds[k], slowdown: target.slowdown != nil, classIndex: k).enumerated().map { j, seconds in
                    seconds - profile.prefillPointSeconds[k][j]
                }
            }
            let shortest = waits.map { $0.min() ?? .infinity }
            return Target(passing: 1 - target.percentile.fraction, waits: waits.flatMap { $0 }, shortest: shortest,
                          shortestOfAll: shortest.min() ?? .infinity)
        }
        self.e2e = e2e.map { target in
            let waits = classes.indices.map { k in
                target.seconds[k] - profile.prefillSeconds[k] - Double(max(classes[k].outputTokens - 1, 0)) * timePerOutputToken
            }
            return Target(passing: 1 - target.percentile.fraction, waits: waits, shortest: waits, shortestOfAll: waits.min() ?? .infinity)
        }
    }

    /// Whether the bounds `share × tail at the shortest wait`, summed from class `k` on, leave the target
    /// within what it lets pass after `missed` (the margin is well above the rounding of both sums).
    private static func settles(_ missed: Double, rest: Double, passing: Double) -> Bool {
        missed + rest * (1 + 1e-9) + 1e-12 <= passing
    }

    /// Targets are read in place (not copied out of their array, which retains their arrays), and the
    /// bounds go in a scratch buffer: the search asks this ~50 times per pool size.
    func anyMissed(_ wait: Queueing.WaitTail) -> Bool {
        let total = shares.reduce(0, +), classes = shares.count
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: classes + 1) { rest in
            for t in ttft.indices where !Self.settles(0, rest: total * wait.exceeds(ttft[t].shortestOfAll), passing: ttft[t].passing) {
                // rest[k]: the classes from k on, each at its bound.
                rest[classes] = 0
                for k in stride(from: classes - 1, through: 0, by: -1) { rest[k] = rest[k + 1] + shares[k] * wait.exceeds(ttft[t].shortest[k]) }
                var missed = 0.0, index = 0
                for k in 0..<classes {
                    if Self.settles(missed, rest: rest[k], passing: ttft[t].passing) { break }
                    var sum = 0.0
                    for _ in 0..<points[k] {
                        sum += wait.exceeds(ttft[t].waits[index])
                        index += 1
                    }
                    missed += shares[k] * (sum / Double(max(points[k], 1)))
                    if missed > ttft[t].passing { return true }
                }
            }
            for t in e2e.indices where !Self.settles(0, rest: total * wait.exceeds(e2e[t].shortestOfAll), passing: e2e[t].passing) {
                var missed = 0.0
                for k in 0..<classes {
                    missed += shares[k] * wait.exceeds(e2e[t].waits[k])
                    if missed > e2e[t].passing { return true }
                }
            }
            return false
        }
    }
}
