import ClusterModel
import Foundation
import Throughput

/// A discrete-event simulation of a split (or mixed) cluster. All state lives in one instance; events
/// run in (time, sequence) order; the same requests and settings always give the same result.
public final class ClusterSimulation {
    enum Event {
        case arrival(Int)
        case stepDone(Int)
        case kvArrived(request: Int, server: Int)
    }

    let requests: [Request]
    let settings: SchedulerSettings
    var pools: [SimulatedPool]
    var servers: [Server] = []
    var queue = EventQueue<Event>()
    var now = 0.0
    var events = 0

    // Per request (struct-of-arrays keeps the hot loop free of allocation).
    var tokenServer: [Int]
    var generated: [Int]
    var ttft: [Double]
    var completion: [Double]
    var dropReason: [String?]

    // Per machine: when its NICs finish the KV transfers queued on them, sending and receiving. A
    // machine's instances share its NICs, so these are per machine, not per server.
    var sendLinkFreeSeconds: [Double] = []
    var receiveLinkFreeSeconds: [Double] = []

    public convenience init(requests: [Request], pools specs: [PoolSpec], model: ModelSpec, catalog: Catalog,
                            tensorParallel: Int? = nil, settings: SchedulerSettings = SchedulerSettings()) throws {
        try self.init(requests: requests, pools: specs.map { try SimulatedPool($0, model: model, catalog: catalog, tensorParallel: tensorParallel) },
                      settings: settings)
    }

    public init(requests: [Request], pools: [SimulatedPool], settings: SchedulerSettings = SchedulerSettings()) throws {
        self.requests = requests
        self.settings = settings
        self.pools = pools
        var machines = 0
        for (index, pool) in pools.enumerated() where pool.spec.count > 0 {
            let role: ClusterRole = pool.spec.role == .prompt ? .prompt : pool.spec.role == .token ? .token : .mixed
            for _ in 0..<pool.spec.count {
                for _ in 0..<pool.instancesPerMachine {
                    servers.append(Server(pool: index, machine: machines, role: role, kvCapacityTokens: pool.kvCapacityTokens))
                }
                machines += 1
            }
        }
        // Nothing is queued at first; minus infinity lets a transfer's link time start during its prefill.
        sendLinkFreeSeconds = Array(repeating: -.infinity, count: machines)
        receiveLinkFreeSeconds = Array(repeating: -.infinity, count: machines)
        let count = requests.count
        tokenServer = Array(repeating: -1, count: count)
        generated = Array(repeating: 0, count: count)
        ttft = Array(repeating: .nan, count: count)
        completion = Array(repeating: .nan, count: count)
        dropReason = Array(repeating: nil, count: count)
    }

    /// Called now and then with the share of arrivals processed, for a progress display.
    public var onProgress: ((Double) -> Void)?

    /// Runs until every request has completed or been dropped.
    public func run() -> SimulationTrace {
        for index in requests.indices { queue.push(.arrival(index), at: requests[index].arrivalSeconds) }
        var arrived = 0
        while let (time, event) = queue.pop() {
            assert(time >= now, "events must not go back in time")
            now = time
            events += 1
            if case .arrival = event { arrived += 1 }
            if events & 0xFFFF == 0, let onProgress { onProgress(Double(arrived) / Double(max(requests.count, 1))) }
            switch event {
            case .arrival(let request): arrive(request)
            case .stepDone(let server): finishStep(server)
            case .kvArrived(let request, let server):
                servers[server].decodeWaiting.append(request)
                startIfIdle(server)
            }
        }
        for index in servers.indices { account(index, until: now) }
        return SimulationTrace(simulation: self)
    }

    // MARK: Steps

    func startIfIdle(_ index: Int) {
        guard servers[index].activity == .idle else { return }
        switch servers[index].role {
        case .prompt: _ = startPrefill(index)
        case .token: admitWaiting(index); _ = startDecode(index)
        case .mixed: if !startPrefill(index) { _ = startDecode(index) }
        }
    }

    /// FCFS prompts up to the token budget (at least one). Mixed machines also need KV room for them.
    private func startPrefill(_ index: Int) -> Bool {
        var server = servers[index]
        var prompts: [Int] = [], tokens = 0
        while server.hasQueuedPrompts {
            let request = server.promptQueue[server.promptHead], size = requests[request].promptTokens
            if !prompts.isEmpty, tokens + size > settings.promptTokenBudget { break }
            if server.role == .mixed {
                let need = size + requests[request].outputTokens
                guard server.kvReservedTokens + need <= server.kvCapacityTokens else { break }
                server.kvReservedTokens += need
            }
            prompts.append(request)
            tokens += size
            server.promptHead += 1
        }
        guard !prompts.isEmpty else { return false }
        server.prefillBatch = prompts
        servers[index] = server
        begin(index, .prefill, seconds: pools[server.pool].performance.prefillSeconds(PrefillBatch(prompts: prompts.map { requests[$0].promptTokens })))
        return true
    }

    /// Admits waiting requests FCFS while their whole final context fits the KV cache (no preemption).
    private func admitWaiting(_ index: Int) {
        while servers[index].hasWaitingDecodes {
            let request = servers[index].decodeWaiting[servers[index].decodeHead]
            let need = requests[request].promptTokens + requests[request].outputTokens
            guard servers[index].kvReservedTokens + need <= servers[index].kvCapacityTokens else { break }
            servers[index].kvReservedTokens += need
            servers[index].decodeHead += 1
            join(index, request)
        }
        servers[index].compactQueues()
    }

    private func join(_ index: Int, _ request: Int) {
        servers[index].running.append(request)
        servers[index].runningContextTokens += requests[request].promptTokens + generated[request]
    }

    private func startDecode(_ index: Int) -> Bool {
        let server = servers[index]
        guard !server.running.isEmpty else { return false }
        let batch = DecodeBatch(sequences: server.running.count, totalContextTokens: server.runningContextTokens)
        begin(index, .decode, seconds: pools[server.pool].performance.decodeStepSeconds(batch))
        return true
    }

    private func begin(_ index: Int, _ activity: Server.Activity, seconds: Double) {
        account(index, until: now)
        servers[index].activity = activity
        queue.push(.stepDone(index), at: now + seconds)
    }

    /// Adds the time since the last change to the server's prefill, decode or idle total.
    func account(_ index: Int, until time: Double) {
        let elapsed = time - servers[index].activitySince
        switch servers[index].activity {
        case .prefill: servers[index].prefillSeconds += elapsed
        case .decode: servers[index].decodeSeconds += elapsed
        case .idle: break
        }
        servers[index].activitySince = time
    }

    private func finishStep(_ index: Int) {
        let finished = servers[index].activity
        account(index, until: now)
        servers[index].activity = .idle
        if finished == .prefill {
            let batch = servers[index].prefillBatch
            servers[index].prefillBatch = []
            // Pending tokens include the batch in progress until its prefill completes (Splitwise's JSQ load).
            servers[index].pendingPromptTokens -= batch.reduce(0) { $0 + requests[$1].promptTokens }
            for request in batch { promptDone(request, on: index) }
        } else {
            decodeStepDone(index)
        }
        startIfIdle(index)
    }

    /// The prefill produced the first token; the KV cache moves to the token machine (layer by layer,
    /// overlapped with prefill), or stays on a mixed machine.
    ///
    /// Link contention, FIFO per NIC: a transfer holds the sender's send link and the receiver's receive
    /// link for its whole byte time, as one block that ends where the transfer alone would end (the
    /// last layer after prefill), or later, once both links have finished the transfers queued before
    /// it. The setup cost follows and holds no link.
    private func promptDone(_ request: Int, on index: Int) {
        ttft[request] = now
        generated[request] = 1
        if requests[request].outputTokens <= 1 {
            complete(request, releasing: servers[index].role == .mixed ? index : nil)
            return
        }
        if servers[index].role == .mixed {
            join(index, request)
            return
        }
        let target = tokenServer[request]
        let model = pools[servers[index].pool].performance.deployment.model
        let transfer = KVTransfer(model: model, from: pools[servers[index].pool].performance.deployment.machine,
                                  to: pools[servers[target].pool].performance.deployment.machine)
        let prompt = requests[request].promptTokens
        let prefill = pools[servers[index].pool].performance.prefillSeconds(promptTokens: prompt)
        let linkSeconds = transfer.totalSeconds(promptTokens: prompt)
        let aloneEnd = now + transfer.linkTailSeconds(promptTokens: prompt, prefillSeconds: prefill)
        let sender = servers[index].machine, receiver = servers[target].machine
        let start = max(aloneEnd - linkSeconds, sendLinkFreeSeconds[sender], receiveLinkFreeSeconds[receiver])
        let end = start + linkSeconds
        sendLinkFreeSeconds[sender] = end
        receiveLinkFreeSeconds[receiver] = end
        queue.push(.kvArrived(request: request, server: target), at: end + transfer.setupSeconds)
    }

    private func decodeStepDone(_ index: Int) {
        var server = servers[index]
        var kept = 0
        for position in server.running.indices {
            let request = server.running[position]
            generated[request] += 1
            server.runningContextTokens += 1
            if generated[request] >= requests[request].outputTokens {
                server.runningContextTokens -= requests[request].promptTokens + generated[request]
                server.kvReservedTokens -= requests[request].promptTokens + requests[request].outputTokens
                server.committedTokens -= requests[request].promptTokens + requests[request].outputTokens
                completion[request] = now
            } else {
                server.running[kept] = request
                kept += 1
            }
        }
        server.running.removeLast(server.running.count - kept)
        servers[index] = server
        if server.role != .prompt { admitWaiting(index) }
    }

    private func complete(_ request: Int, releasing mixed: Int?) {
        completion[request] = now
        let need = requests[request].promptTokens + requests[request].outputTokens
        let holder = mixed ?? tokenServer[request]
        if holder >= 0 {
            if mixed != nil { servers[holder].kvReservedTokens -= need }
            servers[holder].committedTokens -= need
        }
    }
}
