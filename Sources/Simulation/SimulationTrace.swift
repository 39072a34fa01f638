import ClusterModel
import Throughput

/// What happened to every request and machine, before any percentile is taken.
public struct SimulationTrace: Sendable {
    public struct Outcome: Sendable {
        public var request: Request
        public var ttftSeconds: Double
        public var e2eSeconds: Double
        public var dropReason: String?
        /// Times the request's KV was freed to make room, and recomputed.
        public var preemptions: Int
    }

    public struct PoolUsage: Sendable {
        public var spec: PoolSpec
        public var instances: Int
        public var instancesPerMachine: Int
        public var prefillSeconds: Double
        public var decodeSeconds: Double
        /// Instance-seconds spent borrowed into the mixed pool, and how many times an instance was borrowed.
        public var borrowedSeconds: Double
        public var borrowings: Int
        public var promptKW: Double
        public var tokenKW: Double
        public var idleKW: Double
    }

    public var outcomes: [Outcome]
    public var pools: [PoolUsage]
    public var events: Int
    public var endSeconds: Double
    public var mixedRoutedRequests: Int

    init(simulation: ClusterSimulation) {
        outcomes = simulation.requests.indices.map { index in
            let request = simulation.requests[index]
            return Outcome(request: request, ttftSeconds: simulation.ttft[index] - request.arrivalSeconds,
                           e2eSeconds: simulation.completion[index] - request.arrivalSeconds, dropReason: simulation.dropReason[index],
                           preemptions: simulation.preemptions[index])
        }
        pools = simulation.pools.enumerated().map { index, pool in
            let members = simulation.servers.filter { $0.pool == index }
            return PoolUsage(spec: pool.spec, instances: members.count, instancesPerMachine: pool.instancesPerMachine,
                             prefillSeconds: members.reduce(0) { $0 + $1.prefillSeconds },
                             decodeSeconds: members.reduce(0) { $0 + $1.decodeSeconds },
                             borrowedSeconds: members.reduce(0) { $0 + $1.borrowedSeconds }, borrowings: members.reduce(0) { $0 + $1.borrowings },
                             promptKW: pool.promptKW, tokenKW: pool.tokenKW, idleKW: pool.idleKW)
        }
        events = simulation.events
        mixedRoutedRequests = simulation.mixedRouted
        endSeconds = simulation.now
    }
}
