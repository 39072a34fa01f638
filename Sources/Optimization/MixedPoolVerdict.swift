import ClusterModel

/// Whether a mixed pool's state misses an SLO: one check a target, each as `SLOTargets` decides it, with
/// the tails' cheap bounds settling the classes they can (the same answers).
///
/// A state misses when any target does, whichever is asked first. The target that broke last is asked
/// first: the same target binds through a load search, so a state that misses is mostly settled by one
/// check instead of the ones before it.
struct MixedPoolVerdict {
    private var checks: [(MixedPoolState) -> Bool] = []
    private var brokeLast = 0

    /// `tbtHeadroom`: TBT targets are met within this fraction of their seconds.
    init(classes: [WorkloadClass], slo: SLOTargets, tbtHeadroom headroom: Double) {
        for target in slo.targets {
            switch target.metric {
            case .tbt:
                checks.append { state in
                    SLOTargets.missed(target, classes: classes, exceeds: { k, seconds in
                        state.tbtExceeds(headroom * seconds, classIndex: k, outputTokens: classes[k].outputTokens)
                    }, bound: { k, seconds in state.tbtExceeds(headroom * seconds, classIndex: k, outputTokens: classes[k].outputTokens, bounded: true) })
                }
            case .e2e:
                checks.append { state in
                    SLOTargets.missed(target, classes: classes, exceeds: { k, seconds in state.e2eExceeds(seconds, classIndex: k) },
                                      bound: { k, seconds in state.e2eExceeds(seconds, classIndex: k, bounded: true) })
                }
            case .ttft:
                checks.append { state in
                    slo.missedOverPrompts(target, classes: classes, exceeds: { k, j, seconds in state.ttftExceeds(seconds, classIndex: k, point: j) },
                                          bound: { k, target in
                                              let (seconds, ratios) = (target.seconds[k], slo.promptPointRatios[k])
                                              return state.ttftBound(classIndex: k, points: ratios.count) { target.slowdown == nil ? seconds : seconds * ratios[$0] }
                                          })
                }
            }
        }
    }

    mutating func misses(_ state: MixedPoolState) -> Bool {
        guard !checks.isEmpty else { return false }
        if checks[brokeLast](state) { return true }
        for index in checks.indices where index != brokeLast && checks[index](state) {
            brokeLast = index
            return true
        }
        return false
    }
}
