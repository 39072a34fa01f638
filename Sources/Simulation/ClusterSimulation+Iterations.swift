import Throughput

/// Token and mixed machines: iterations of continuous batching over paged KV memory, as vLLM runs them.
/// Each iteration carries one token for every running request and, on mixed machines (or to recompute
/// a preempted request), prompt chunks up to the token budget, oldest first. KV blocks are allocated as
/// contexts grow; when a growing request finds no free block, the most recently admitted request is
/// preempted (its KV freed, recomputed later), unless it has been preempted `preemptionLimit` times.
extension ClusterSimulation {
    func finishIteration(_ index: Int) {
        servers[index].iteration += 1
        let iteration = servers[index].iteration
        releaseFinished(index, iteration: iteration)
        growKV(index, iteration: iteration)
        // By position, not through copies of the arrays: startIteration refills them in place.
        for position in servers[index].chunkRequests.indices {
            let request = servers[index].chunkRequests[position]
            guard stage[request] == .prefilling, holder[request] == index else { continue }
            prefillRemaining[request] -= servers[index].chunkTokens[position]
            servers[index].promptWorkTokens -= servers[index].chunkTokens[position]
            if prefillRemaining[request] == 0 { prefillFinished(request, on: index, iteration: iteration) }
        }
        startIteration(index)
    }

    /// Requests whose last token the iteration produced leave and free their blocks.
    private func releaseFinished(_ index: Int, iteration: Int) {
        while let last = servers[index].running.finishes.nextTime, last <= Double(iteration),
              let (_, entry) = servers[index].running.finishes.pop() {
            guard isLive(entry) else { continue }
            leave(entry.request, from: index, iteration: iteration)
            finish(entry.request)
        }
    }

    /// Before iteration `iteration` runs, every running request whose context starts a new block gets one,
    /// preempting as needed.
    private func growKV(_ index: Int, iteration: Int) {
        var needed = servers[index].running.growing(at: iteration)
        while needed > servers[index].freeBlocks, let victim = preemptionVictim(index) {
            if stage[victim] == .running {
                if servers[index].running.grows(contextOffset: contextOffset[victim], at: iteration) { needed -= 1 }
                leave(victim, from: index, iteration: iteration)
            } else {
                servers[index].prefilling.removeAll { $0 == victim }
                servers[index].usedBlocks -= blocks(prefillLength[victim] + 1)
                servers[index].promptWorkTokens -= prefillRemaining[victim]
            }
            preemptions[victim] += 1
            prefillLength[victim] = requests[victim].promptTokens + generated[victim]
            prefillRemaining[victim] = prefillLength[victim]
            stage[victim] = .waiting
            servers[index].queuedTokens += prefillLength[victim]
            servers[index].promptWorkTokens += prefillLength[victim]
            servers[index].waiting.prepend(victim)
        }
        if needed > servers[index].freeBlocks, let alone = servers[index].running.order.last(where: isLive) {
            // One request alone on the instance, growing past all of its KV memory.
            leave(alone.request, from: index, iteration: iteration)
            drop(alone.request, because: "its context outgrew the \(servers[index].kvCapacityTokens)-token KV cache of one instance")
            needed = 0
        }
        servers[index].usedBlocks += needed
    }

    /// The most recently admitted request that may be preempted: prompts still prefilling (admitted
    /// last), then running requests; those preempted `preemptionLimit` times only when no other is left.
    /// Never the only request holding memory: preempting it frees nothing it will not need again.
    private func preemptionVictim(_ index: Int) -> Int? {
        let holders = servers[index].prefilling.count + servers[index].running.count
        guard holders > 1 else { return nil }
        let limit = settings.preemptionLimit
        if let request = servers[index].prefilling.last(where: { preemptions[$0] < limit }) { return request }
        if let entry = servers[index].running.order.last(where: { isLive($0) && preemptions[$0.request] < limit }) { return entry.request }
        return servers[index].prefilling.last ?? servers[index].running.order.last(where: isLive)?.request
    }

    private func prefillFinished(_ request: Int, on index: Int, iteration: Int) {
        servers[index].prefilling.removeAll { $0 == request }
        if ttft[request].isNaN { ttft[request] = now }
        generated[request] += 1
        if generated[request] >= requests[request].outputTokens {
            servers[index].usedBlocks -= blocks(prefillLength[request] + 1)
            finish(request)
        } else {
            // The blocks allocated for the prefill hold the context and the new token: nothing to add.
            join(request, on: index, iteration: iteration)
        }
    }

    /// Admits waiting requests FCFS while their KV fits, picks prompt chunks up to the token budget, and
    /// starts the iteration.
    func startIteration(_ index: Int) {
        guard !servers[index].busy else { return }
        defer {
            returnIfDrained(index)
            refreshLoad(index)
        }
        let iteration = servers[index].iteration
        let whole = settings.wholePromptBatching
        if whole { rejoinPaused(index, iteration: iteration) }
        var prefill = PrefillBatch.empty, budget = settings.promptTokenBudget
        servers[index].chunkRequests.removeAll(keepingCapacity: true)
        servers[index].chunkTokens.removeAll(keepingCapacity: true)
        func addChunk(_ request: Int) {
            let tokens = whole ? prefillRemaining[request] : min(prefillRemaining[request], budget)
            prefill.addChunk(tokens: tokens, priorTokens: prefillLength[request] - prefillRemaining[request])
            servers[index].chunkRequests.append(request)
            servers[index].chunkTokens.append(tokens)
            budget = max(budget - tokens, 0)
        }
        func fits(_ tokens: Int) -> Bool { whole ? wholePromptFits(tokens, after: prefill.totalTokens) : budget > 0 }
        // By position: iterating the array itself would retain its buffer every iteration.
        for position in servers[index].prefilling.indices {
            let request = servers[index].prefilling[position]
            if fits(prefillRemaining[request]) { addChunk(request) }
        }
        while let request = servers[index].waiting.first {
            let decodeReady = prefillRemaining[request] == 0
            if !decodeReady, !fits(prefillLength[request]) { break }
            let tokens = decodeReady ? requests[request].promptTokens : prefillLength[request]
            let need = decodeReady ? blocks(tokens + generated[request]) : blocks(tokens + 1)
            let used = servers[index].usedBlocks
            // The admission reserve keeps a new request from forcing a preemption at once; an empty
            // instance takes whatever fits.
            let reserve = used == 0 ? 0 : servers[index].admissionReserveBlocks
            guard used + need + reserve <= servers[index].kvCapacityBlocks else {
                guard used == 0 else { break }
                _ = servers[index].waiting.removeFirst()
                servers[index].queuedTokens -= tokens
                if !decodeReady { servers[index].promptWorkTokens -= tokens }
                drop(request, because: "its context outgrew the \(servers[index].kvCapacityTokens)-token KV cache of one instance")
                continue
            }
            _ = servers[index].waiting.removeFirst()
            servers[index].usedBlocks += need
            servers[index].queuedTokens -= tokens
            if decodeReady {
                join(request, on: index, iteration: iteration)
            } else {
                stage[request] = .prefilling
                servers[index].prefilling.append(request)
                addChunk(request)
            }
        }
        if whole, prefill.totalTokens > 0 {
            pauseDecodes(index, count: servers[index].running.count - budget, iteration: iteration)
        }
        let runningCount = servers[index].running.count
        guard runningCount > 0 || prefill.sequences > 0 else { return }
        let decode = DecodeBatch(sequences: runningCount, totalContextTokens: servers[index].running.totalContextTokens(at: iteration))
        // Called in place: binding the pool's model to a local would copy it (and retain all it holds) per step.
        let pool = servers[index].pool
        let seconds = stepTimes(pool) { $0.mixedStepSeconds(prefill: prefill, decode: decode) }
        // Utilisation and energy: the chunks' share of the iteration counts as prefill.
        let prefillSeconds = prefill.sequences == 0 ? 0 : decode.sequences == 0 ? seconds
            : min(seconds, stepTimes(pool) { $0.prefillSeconds(prefill) })
        begin(index, seconds: seconds, prefillSeconds: prefillSeconds)
        // Checked first: passing `isLive` retains the cluster, and compaction is rare.
        if servers[index].running.needsCompaction { servers[index].running.compactOrder(isLive: isLive) }
    }

    /// The request runs from iteration `iteration` on; its last token is `outputTokens − generated`
    /// iterations away. That figure only schedules the end of its generation, as the model's end-of-sequence
    /// token would: no scheduling decision reads it.
    func join(_ request: Int, on index: Int, iteration: Int) {
        stage[request] = .running
        stint[request] += 1
        let offset = requests[request].promptTokens + generated[request] - iteration
        contextOffset[request] = offset
        servers[index].running.insert(RunningSet.Entry(request: request, stint: stint[request]), contextOffset: offset,
                                      lastIteration: iteration + requests[request].outputTokens - generated[request])
    }

    /// Takes a running request out of the batch at the boundary before `iteration`, freeing its blocks;
    /// its output so far is recorded.
    private func leave(_ request: Int, from index: Int, iteration: Int) {
        let context = contextOffset[request] + iteration
        generated[request] = context - requests[request].promptTokens
        // Blocks hold the context as of the previous iteration; this one's growth is not yet allocated.
        servers[index].usedBlocks -= blocks(context - 1)
        servers[index].running.remove(contextOffset: contextOffset[request])
        stage[request] = .waiting
    }

    func isLive(_ entry: RunningSet.Entry) -> Bool {
        stage[entry.request] == .running && stint[entry.request] == entry.stint
    }
}
