import ClusterModel
import Foundation
import Simulation
import Throughput

/// Simulates pools on a scenario's workload (optionally overridden): the requests, the reference
/// machine for slowdowns, the run and its measurement.
public struct ScenarioSimulation: Sendable {
    public var scenario: Scenario
    public var catalog: Catalog
    public var traces: [URL: Trace]
    public var model: ModelID?
    public var trace: Trace?
    public var ratePerSecond: Double?
    public var durationSeconds: Double?
    public var seed: UInt64
    /// Overrides the scenario's `scheduler.borrowing` (the `--no-borrowing` switch).
    public var borrowing: Bool?
    /// The run's wall-clock limit: a simulation still going when it passes throws `SimulationError`.
    public var deadline: Deadline?
    /// Latencies alone on the reference machine, shared by the copies that a search or comparison runs.
    public var isolatedLatencies = IsolatedLatencyCache()

    public init(scenario: Scenario, catalog: Catalog, traces: [URL: Trace], model: ModelID? = nil, trace: Trace? = nil,
                ratePerSecond: Double? = nil, durationSeconds: Double? = nil, seed: UInt64 = 1) {
        self.scenario = scenario
        self.catalog = catalog
        self.traces = traces
        self.model = model
        self.trace = trace
        self.ratePerSecond = ratePerSecond
        self.durationSeconds = durationSeconds
        self.seed = seed
    }

    /// Most requests one simulation generates; the arrivals, per-request state and results are held in
    /// memory, about 190 bytes a request at peak (4.98 million requests on 350 DGX-H100s: 951 MB), so
    /// the default keeps a run under about 400 MB, and a command running several (compare, check)
    /// under 1 GB.
    public static let defaultMaximumRequests = 2_000_000
    public var maximumRequests = ScenarioSimulation.defaultMaximumRequests

    /// Refuses, before generating anything, a generated workload whose expected count passes the ceiling.
    func checkExpectedRequests() throws {
        guard let expected = expectedRequests() else { return }
        guard expected <= Double(maximumRequests) else {
            let formatted = expected < 1e15 ? String(format: "%.0f", expected) : String(format: "%.3g", expected)
            throw ClusterModelError.invalidValue(
                path: "command line", jsonPath: "rate x duration", value: "\(formatted) expected requests",
                allowed: "at most \(maximumRequests) requests per simulation: lower the rate or the duration, or raise --max-requests")
        }
    }

    /// A generated workload's expected count (rate x duration); nil for a trace replay.
    func expectedRequests() -> Double? {
        guard trace == nil, case .generated(let generated) = scenario.workload else { return nil }
        return (ratePerSecond ?? generated.arrivals.ratePerSecond) * (durationSeconds ?? generated.durationSeconds)
    }

    public func requests() throws -> [Request] {
        try checkExpectedRequests()
        let requests: [Request]
        if let trace {
            let workload = Workload.trace(TraceWorkload(file: URL(fileURLWithPath: trace.file), rateScale: 1, startSeconds: 0, durationSeconds: durationSeconds))
            requests = try workload.requests(traces: [URL(fileURLWithPath: trace.file): trace], seed: seed, ratePerSecond: ratePerSecond)
        } else {
            requests = try scenario.workload.requests(traces: traces, seed: seed, ratePerSecond: ratePerSecond, durationSeconds: durationSeconds)
        }
        // A trace replay's count is known only once read: refused before any is simulated.
        guard requests.count <= maximumRequests else {
            throw ClusterModelError.invalidValue(
                path: trace?.file ?? scenario.file.path, jsonPath: "workload", value: "\(requests.count) requests to replay",
                allowed: "at most \(maximumRequests) requests per simulation: replay a window (--duration), or raise --max-requests")
        }
        return requests
    }

    /// How long requests keep arriving: a generated workload's duration, else the last arrival (trace
    /// replays start at zero).
    func arrivalDurationSeconds(_ requests: [Request]) -> Double {
        if trace == nil, case .generated(let generated) = scenario.workload { return durationSeconds ?? generated.durationSeconds }
        return requests.last?.arrivalSeconds ?? 0
    }

    /// Simulations of more requests than this run one at a time, however many run concurrently (compare,
    /// check): at about 190 bytes a request, two near the ceiling would hold well over 1 GB at once.
    public static let concurrentRequestLimit = 500_000
    private static let largeRunGate = NSLock()

    public func run(pools: [PoolSpec], progress: ((Double) -> Void)? = nil) throws -> SimulationResult {
        measure(try simulate(pools: pools, progress: progress, stopsAtMiss: false))
    }

    /// Whether `pools` meet every SLO: the finished run when they do (or miss only once it ends), nil
    /// when the run was stopped as soon as a miss was settled (`SLOMissWatch`), the verdict a finished
    /// run would give.
    public func verdict(pools: [PoolSpec]) throws -> SimulationResult? {
        let run = try simulate(pools: pools, progress: nil, stopsAtMiss: true)
        return run.stoppedAtMiss ? nil : measure(run)
    }

    private struct Run {
        var trace: SimulationTrace
        var stoppedAtMiss: Bool
        var reference: RooflineModel?
        var isolated: [IsolatedLatency]?
        var arrivalSeconds: Double
        var startNanoseconds: UInt64
    }

    private func simulate(pools: [PoolSpec], progress: ((Double) -> Void)?, stopsAtMiss: Bool) throws -> Run {
        let modelSpec = try catalog.model(model ?? scenario.model, file: scenario.file.path, jsonPath: "model")
        for (index, pool) in pools.enumerated() {
            _ = try catalog.machine(pool.machine, file: "cluster", jsonPath: "pools[\(index)].machine")
        }
        let reference = try scenario.slo.referenceMachine.map { id -> RooflineModel in
            let machine = try catalog.machine(id, file: scenario.file.path, jsonPath: "slo.referenceMachine")
            return RooflineModel(try Deployment(model: modelSpec, machine: machine, catalog: catalog, tensorParallel: scenario.tensorParallel))
        }
        // Taken before the arrivals are generated, so two large runs never hold their arrivals at once.
        let large = (expectedRequests() ?? 0) > Double(Self.concurrentRequestLimit)
        if large { Self.largeRunGate.lock() }
        defer { if large { Self.largeRunGate.unlock() } }
        let requests = try requests()
        let start = DispatchTime.now().uptimeNanoseconds
        var settings = scenario.scheduler
        if let borrowing { settings.borrowing = borrowing }
        let simulation = try ClusterSimulation(requests: requests, pools: pools, model: modelSpec, catalog: catalog,
                                               tensorParallel: scenario.tensorParallel, settings: settings)
        simulation.onProgress = progress
        simulation.deadline = deadline
        let isolated = reference.map { isolatedLatencies.latencies(of: requests, on: $0) }
        if stopsAtMiss { simulation.missWatch = SLOMissWatch(requests: requests, slo: scenario.slo, isolated: isolated) }
        let trace = simulation.run()
        if simulation.stoppedAtDeadline {
            throw SimulationError.stoppedAtTimeLimit(limitSeconds: deadline?.limitSeconds ?? 0, simulatedSeconds: trace.endSeconds,
                                                     arrivalSeconds: arrivalDurationSeconds(requests))
        }
        return Run(trace: trace, stoppedAtMiss: simulation.stoppedAtSLOMiss, reference: reference, isolated: isolated,
                   arrivalSeconds: arrivalDurationSeconds(requests), startNanoseconds: start)
    }

    private func measure(_ run: Run) -> SimulationResult {
        let wall = Double(DispatchTime.now().uptimeNanoseconds - run.startNanoseconds) / 1e9
        return SimulationResult(trace: run.trace, slo: scenario.slo, reference: run.reference, wallSeconds: wall,
                                arrivalDurationSeconds: run.arrivalSeconds, isolated: run.isolated)
    }
}
