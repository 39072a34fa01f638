import ClusterModel
import Foundation
import Throughput

/// Each request's latencies alone on the reference machine (the denominators of slowdown SLOs), by
/// request size, kept across runs: the runs of a search or a comparison draw the same sizes, and
/// computing them anew costs about a tenth of a run. Shared by copies of its owner, safe across threads.
public final class IsolatedLatencyCache: @unchecked Sendable {
    private var tables: [(deployment: Deployment, bySize: [Int: IsolatedLatency])] = []
    private let lock = NSLock()

    public init() {}

    /// Per request, its latencies alone on `reference`.
    public func latencies(of requests: [Request], on reference: RooflineModel) -> [IsolatedLatency] {
        lock.lock()
        defer { lock.unlock() }
        let table: Int
        if let known = tables.firstIndex(where: { $0.deployment == reference.deployment }) {
            table = known
        } else {
            tables.append((reference.deployment, [:]))
            table = tables.count - 1
        }
        return Self.latencies(of: requests, on: reference, bySize: &tables[table].bySize)
    }

    /// Per request, its latencies alone on `reference`, computed once per size within the call.
    static func latencies(of requests: [Request], on reference: any PerformanceModel) -> [IsolatedLatency] {
        var bySize: [Int: IsolatedLatency] = [:]
        return latencies(of: requests, on: reference, bySize: &bySize)
    }

    private static func latencies(of requests: [Request], on reference: any PerformanceModel,
                                  bySize: inout [Int: IsolatedLatency]) -> [IsolatedLatency] {
        requests.map { request in
            let size = request.promptTokens << 32 | request.outputTokens
            if let known = bySize[size] { return known }
            let latency = reference.isolatedLatency(promptTokens: request.promptTokens, outputTokens: request.outputTokens)
            bySize[size] = latency
            return latency
        }
    }
}
