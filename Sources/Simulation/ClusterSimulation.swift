import ClusterModel
import Foundation
import Throughput

/// A discrete-event simulation of a split (or mixed) cluster. All state lives in one instance; events
/// run in (time, sequence) order; the same requests and settings always give the same result.
///
/// Nothing the scheduler decides reads a request's output length: KV memory grows block by block as
/// tokens are generated, and a request is known to be finished only when its last token is produced.
public final class ClusterSimulation {
    enum Event {
        case arrival(Int)
        case stepDone(Int)
        case kvArrived(request: Int, server: Int)
    }

    enum Stage: UInt8 { case routed, waiting, prefilling, running, paused, finished }

    let requests: [Request]
    let settings: SchedulerSettings
    let pools: [SimulatedPool]
    /// Each pool's performance model, apart from the pool: read in place per iteration, where reaching it
    /// through the pool copied the existential (and retained what it holds) every step.
    let performances: [StepTimes]
    /// The same, unretained (`performances` holds them for the simulation's life): read through that
    /// array, a pool's model was retained and released every iteration.
    private let unretainedPerformances: [Unmanaged<StepTimes>]
    var servers: [Server] = []
    var queue = EventQueue<Event>()
    var now = 0.0
    var events = 0
    /// Requests served in the mixed pool (a static one or borrowed instances).
    var mixedRouted = 0
    /// Borrowing is on and there are two pools to borrow between (a split design).
    var borrows = false

    // Per request (struct-of-arrays keeps the hot loop free of allocation).
    /// The token or mixed instance that holds (or will hold) the request's KV cache.
    var holder: [Int]
    var stage: [Stage]
    /// Output tokens produced so far, as of the request's last join or preemption.
    var generated: [Int]
    /// While running: context at iteration k is contextOffset + k on its holder.
    var contextOffset: [Int]
    var stint: [Int]
    /// Tokens of the prefill in progress (the prompt, or prompt and output for a recompute), and how
    /// many of them are still to run.
    var prefillLength: [Int]
    var prefillRemaining: [Int]
    var preemptions: [Int]
    var ttft: [Double]
    var completion: [Double]
    var dropReason: [String?]

    // Per machine: when its NICs finish the KV transfers queued on them, sending and receiving. A
    // machine's instances share its NICs, so these are per machine, not per server.
    var sendLinkFreeSeconds: [Double] = []
    var receiveLinkFreeSeconds: [Double] = []
    /// The KV link between each pair of pools, by source × pool count + target: built once, not per handoff.
    var transfers: [KVTransfer] = []
    /// Join-shortest-queue: one tree per role (prompt, token, mixed), each over every instance.
    var loadTrees: [LoadTree] = []

    public convenience init(requests: [Request], pools specs: [PoolSpec], model: ModelSpec, catalog: Catalog,
                            tensorParallel: Int? = nil, settings: SchedulerSettings = SchedulerSettings()) throws {
        try self.init(requests: requests, pools: specs.map { try SimulatedPool($0, model: model, catalog: catalog, tensorParallel: tensorParallel) },
                      settings: settings)
    }

    public init(requests: [Request], pools: [SimulatedPool], settings: SchedulerSettings = SchedulerSettings()) throws {
        self.requests = requests
        self.settings = settings
        self.pools = pools
        performances = pools.map { StepTimes($0.performance) }
        unretainedPerformances = performances.map { Unmanaged.passUnretained($0) }
        var machines = 0
        for (index, pool) in pools.enumerated() where pool.spec.count > 0 {
            let role: ClusterRole = pool.spec.role == .prompt ? .prompt : pool.spec.role == .token ? .token : .mixed
            for _ in 0..<pool.spec.count {
                for _ in 0..<pool.instancesPerMachine {
                    servers.append(Server(pool: index, machine: machines, role: role, kvCapacityTokens: pool.kvCapacityTokens,
                                          blockTokens: settings.kvBlockTokens, admissionReserve: settings.admissionReserveShare))
                }
                machines += 1
            }
        }
        // Nothing is queued at first; minus infinity lets a transfer's link time start during its prefill.
        sendLinkFreeSeconds = Array(repeating: -.infinity, count: machines)
        receiveLinkFreeSeconds = Array(repeating: -.infinity, count: machines)
        transfers = pools.flatMap { source in
            pools.map { target in
                KVTransfer(model: source.performance.deployment.model, from: source.performance.deployment.machine,
                           to: target.performance.deployment.machine)
            }
        }
        let count = requests.count
        holder = Array(repeating: -1, count: count)
        stage = Array(repeating: .routed, count: count)
        generated = Array(repeating: 0, count: count)
        contextOffset = Array(repeating: 0, count: count)
        stint = Array(repeating: 0, count: count)
        prefillLength = Array(repeating: 0, count: count)
        prefillRemaining = Array(repeating: 0, count: count)
        preemptions = Array(repeating: 0, count: count)
        ttft = Array(repeating: .nan, count: count)
        completion = Array(repeating: .nan, count: count)
        dropReason = Array(repeating: nil, count: count)
        let built = servers
        borrows = settings.borrowing && built.contains { $0.home == .prompt } && built.contains { $0.home == .token }
        // One tree per role over every instance: an instance counts in the tree of the role it plays now
        // (borrowing moves it), and at `Int.max` in the others.
        let everyone = Array(built.indices)
        loadTrees = ClusterRole.all.map { role in
            LoadTree(servers: everyone, initialLoads: built.map { $0.role == role ? 0 : .max })
        }
    }

    /// Called now and then with the share of arrivals processed, for a progress display.
    public var onProgress: ((Double) -> Void)?
    /// The run's wall-clock limit: the simulation stops when it passes, and says so.
    public var deadline: Deadline?
    public private(set) var stoppedAtDeadline = false
    /// Stops the run once it is settled that it misses an SLO (for searches that need only the verdict).
    public var missWatch: SLOMissWatch?
    public private(set) var stoppedAtSLOMiss = false

    /// Runs until every request has completed or been dropped. Call it once.
    public func run() -> SimulationTrace {
        assert(events == 0, "a simulation runs once")
        // Arrivals enter the heap one at a time, in time order: a heap of pending events rather than of the
        // whole workload keeps each push and pop shallow and in cache.
        let inOrder = zip(requests, requests.dropFirst()).allSatisfy { $0.arrivalSeconds <= $1.arrivalSeconds }
        let arrivalOrder = inOrder ? Array(requests.indices)
            : requests.indices.sorted { (requests[$0].arrivalSeconds, $0) < (requests[$1].arrivalSeconds, $1) }
        var nextArrival = 0
        if let first = arrivalOrder.first { queue.push(.arrival(first), at: requests[first].arrivalSeconds) }
        var arrived = 0
        while let (time, event) = queue.pop() {
            assert(time >= now, "events must not go back in time")
            now = time
            events += 1
            if case .arrival = event { arrived += 1 }
            if events & 0xFFFF == 0, let onProgress { onProgress(Double(arrived) / Double(max(requests.count, 1))) }
            if events & 0x3FFF == 0, let deadline, deadline.hasPassed {
                stoppedAtDeadline = true
                break
            }
            switch event {
            case .arrival(let request):
                nextArrival += 1
                if nextArrival < arrivalOrder.count {
                    let next = arrivalOrder[nextArrival]
                    queue.push(.arrival(next), at: requests[next].arrivalSeconds)
                }
                arrive(request)
            case .stepDone(let server):
                servers[server].busy = false
                if servers[server].role == .prompt { finishPrefillBatch(server) } else { finishIteration(server) }
            case .kvArrived(let request, let server):
                stage[request] = .waiting
                servers[server].waiting.append(request)
                if !servers[server].busy { startIteration(server) }
            }
            if missWatch?.missed == true {
                stoppedAtSLOMiss = true
                break
            }
        }
        for index in servers.indices where servers[index].role != servers[index].home {
            servers[index].borrowedSeconds += now - servers[index].borrowedSince
        }
        let trace = SimulationTrace(simulation: self)
        releasePerRequestState()
        return trace
    }

    /// The trace holds what a result needs; the per-request working state goes, so that measuring a
    /// large run does not hold both at once. A simulation runs once.
    private func releasePerRequestState() {
        holder = []
        stage = []
        generated = []
        contextOffset = []
        stint = []
        prefillLength = []
        prefillRemaining = []
        preemptions = []
        ttft = []
        completion = []
        dropReason = []
        servers = servers.map { $0.emptied() }
    }

    /// KV blocks that hold `tokens` tokens.
    func blocks(_ tokens: Int) -> Int { (tokens + settings.kvBlockTokens - 1) / settings.kvBlockTokens }

    func begin(_ index: Int, seconds: Double, prefillSeconds: Double) {
        assert(!servers[index].busy, "one step at a time per instance")
        servers[index].busy = true
        servers[index].prefillSeconds += prefillSeconds
        servers[index].decodeSeconds += seconds - prefillSeconds
        queue.push(.stepDone(index), at: now + seconds)
    }

    func finish(_ request: Int) {
        stage[request] = .finished
        generated[request] = requests[request].outputTokens
        completion[request] = now
        missWatch?.finished(request, outputTokens: requests[request].outputTokens, ttftSeconds: ttft[request] - requests[request].arrivalSeconds,
                            e2eSeconds: now - requests[request].arrivalSeconds)
    }

    /// `body` on pool `pool`'s step times, which `performances` keeps alive.
    func stepTimes<Value>(_ pool: Int, _ body: (StepTimes) -> Value) -> Value {
        unretainedPerformances[pool]._withUnsafeGuaranteedRef(body)
    }

    func drop(_ request: Int, because reason: String) {
        stage[request] = .finished
        dropReason[request] = reason
        completion[request] = .nan
        missWatch?.dropped()
    }
}

/// A pool's performance model behind a reference: the simulator asks it for a step time every iteration,
/// and a model read out of an array of existentials was copied (and what it holds retained) each time.
/// A roofline model's decode steps are costed from parts kept per batch size (`DecodeStepParts`): the same
/// figures, with only the attention over the step's context computed anew. One simulation's, used by its
/// thread only.
final class StepTimes: @unchecked Sendable {
    let model: any PerformanceModel
    private let roofline: RooflineModel?
    /// Element i is the parts of a decode step of i + 1 sequences: plain numbers, read in place.
    private var decodeParts: [RooflineModel.DecodeStepParts] = []

    init(_ model: any PerformanceModel) {
        self.model = model
        roofline = model as? RooflineModel
    }

    func mixedStepSeconds(prefill: PrefillBatch, decode: DecodeBatch) -> Double {
        guard prefill.totalTokens == 0, decode.sequences > 0 else { return model.mixedStepSeconds(prefill: prefill, decode: decode) }
        if decode.sequences > decodeParts.count, !addDecodeParts(upTo: decode.sequences) {
            return model.decodeStepSeconds(decode)
        }
        return decodeParts[decode.sequences - 1].seconds(contextTokens: decode.totalContextTokens)
    }

    func prefillSeconds(_ batch: PrefillBatch) -> Double { model.prefillSeconds(batch) }
    func prefillSeconds(promptTokens: Int) -> Double { model.prefillSeconds(promptTokens: promptTokens) }

    /// Whether the model is a roofline model, whose parts are then kept up to `sequences`.
    private func addDecodeParts(upTo sequences: Int) -> Bool {
        guard let roofline else { return false }
        while decodeParts.count < sequences { decodeParts.append(roofline.decodeStepParts(sequences: decodeParts.count + 1)) }
        return true
    }
}
