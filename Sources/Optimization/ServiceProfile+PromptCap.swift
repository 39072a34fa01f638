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
/// The verdict is the sign of `SLOTargets.violationOverPrompts` over the TTFT targets, then of
/// `SLOTargets.violation` over the E2E targets, with the same sums in the same order, stopped early. The tail falls as the wait grows, so a class's
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

    /// Targets are read in place (not copied out of their array, which retains their arrays): the search
    /// asks this ~50 times per pool size. A target's tail at its shortest wait, over all classes, settles
    /// most targets with one exponential (`SLOTargets.settled`); a TTFT target's classes are then bounded
    /// by their own shortest waits (`SLOTargets.sumExceeds`).
    func anyMissed(_ wait: Queueing.WaitTail) -> Bool {
        let total = shares.reduce(0, +), classes = shares.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: classes + 1) { starts in
            // Where each class's prompt points start among a TTFT target's waits.
            starts[0] = 0
            for k in 0..<classes { starts[k + 1] = starts[k] + points[k] }
            for t in ttft.indices where !SLOTargets.settled(0, rest: total * wait.exceeds(ttft[t].shortestOfAll), allowed: ttft[t].passing) {
                let missed = SLOTargets.sumExceeds(ttft[t].passing, count: classes, share: { shares[$0] }, value: { k in
                    var sum = 0.0
                    for index in starts[k]..<starts[k + 1] { sum += wait.exceeds(ttft[t].waits[index]) }
                    return sum / Double(max(points[k], 1))
                }, bound: { wait.exceeds(ttft[t].shortest[$0]) })
                if missed { return true }
            }
            for t in e2e.indices where !SLOTargets.settled(0, rest: total * wait.exceeds(e2e[t].shortestOfAll), allowed: e2e[t].passing) {
                if SLOTargets.sumExceeds(e2e[t].passing, count: classes, share: { shares[$0] }, value: { wait.exceeds(e2e[t].waits[$0]) }) { return true }
            }
            return false
        }
    }
}
