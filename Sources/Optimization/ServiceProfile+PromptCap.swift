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
/// the E2E targets, with the same sums in the same order.
struct WaitAllowances {
    /// Per target, the share of requests it lets pass (1 − percentile), and its waits: per class for E2E;
    /// per class, then per prompt point, for TTFT.
    var ttft: [(passing: Double, waits: [Double])]
    var e2e: [(passing: Double, waits: [Double])]
    var shares: [Double]
    /// Prompt points per class.
    var points: [Int]

    init(profile: ServiceProfile, classes: [WorkloadClass], slo: SLOTargets, ttft: [SLOTargets.Target], e2e: [SLOTargets.Target],
         timePerOutputToken: Double) {
        shares = classes.map(\.share)
        points = slo.promptPointRatios.map(\.count)
        self.ttft = ttft.map { target in
            let waits = classes.indices.flatMap { k in
                slo.pointSeconds(target.seconds[k], slowdown: target.slowdown != nil, classIndex: k).enumerated().map { j, seconds in
                    seconds - profile.prefillPointSeconds[k][j]
                }
            }
            return (1 - target.percentile.fraction, waits)
        }
        self.e2e = e2e.map { target in
            let waits = classes.indices.map { k in
                target.seconds[k] - profile.prefillSeconds[k] - Double(max(classes[k].outputTokens - 1, 0)) * timePerOutputToken
            }
            return (1 - target.percentile.fraction, waits)
        }
    }

    func anyMissed(_ wait: Queueing.WaitTail) -> Bool {
        for target in ttft {
            var missed = 0.0, index = 0
            for k in shares.indices {
                var sum = 0.0
                for _ in 0..<points[k] {
                    sum += wait.exceeds(target.waits[index])
                    index += 1
                }
                missed += shares[k] * (sum / Double(max(points[k], 1)))
                if missed > target.passing { return true }
            }
        }
        for target in e2e {
            var missed = 0.0
            for k in shares.indices {
                missed += shares[k] * wait.exceeds(target.waits[k])
                if missed > target.passing { return true }
            }
        }
        return false
    }
}
