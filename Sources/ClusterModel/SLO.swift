/// Latency metrics, as Splitwise defines them.
public enum LatencyMetric: String, CaseIterable, Sendable, Codable {
    /// Time to first token.
    case ttft
    /// Time between tokens: (E2E − TTFT) / output tokens, per request.
    case tbt
    /// End-to-end latency.
    case e2e
}

public enum Percentile: String, CaseIterable, Sendable, Codable, Comparable {
    case p50, p90, p99

    public var fraction: Double {
        switch self {
        case .p50: return 0.5
        case .p90: return 0.9
        case .p99: return 0.99
        }
    }

    public static func < (lhs: Percentile, rhs: Percentile) -> Bool { lhs.fraction < rhs.fraction }
}

/// A latency target: absolute, or relative to the same request alone on the reference machine.
public enum SLOTarget: Sendable, Equatable {
    case seconds(Double)
    case slowdown(Double)
}

public struct SLOSet: Sendable, Equatable {
    public var referenceMachine: MachineID?
    public var targets: [LatencyMetric: [Percentile: SLOTarget]]

    public init(referenceMachine: MachineID? = nil, targets: [LatencyMetric: [Percentile: SLOTarget]] = [:]) {
        self.referenceMachine = referenceMachine
        self.targets = targets
    }

    /// Every target in a stable order: metric, then percentile.
    public var ordered: [(metric: LatencyMetric, percentile: Percentile, target: SLOTarget)] {
        LatencyMetric.allCases.flatMap { metric in
            Percentile.allCases.compactMap { percentile in
                targets[metric]?[percentile].map { (metric, percentile, $0) }
            }
        }
    }

    public var usesSlowdown: Bool {
        ordered.contains { if case .slowdown = $0.target { return true } else { return false } }
    }

    /// Splitwise's nine SLOs: slowdown against a DGX-A100 (ISCA 2024, Table IV).
    public static func splitwise(reference: MachineID) -> SLOSet {
        SLOSet(referenceMachine: reference, targets: [
            .ttft: [.p50: .slowdown(2), .p90: .slowdown(3), .p99: .slowdown(6)],
            .tbt: [.p50: .slowdown(1.25), .p90: .slowdown(1.5), .p99: .slowdown(5)],
            .e2e: [.p50: .slowdown(1.25), .p90: .slowdown(1.5), .p99: .slowdown(5)],
        ])
    }
}
