import Throughput

/// Prompt machines: FCFS batches of whole prompts up to the token budget, then the KV cache moves to
/// the token machine chosen at arrival.
extension ClusterSimulation {
    func enqueuePrompt(_ request: Int, on index: Int) {
        servers[index].promptQueue.append(request)
        servers[index].pendingPromptTokens += requests[request].promptTokens
        refreshLoad(index)
        if !servers[index].busy { startPrefillBatch(index) }
    }

    /// FCFS prompts up to the token budget, at least one.
    private func startPrefillBatch(_ index: Int) {
        var batch = PrefillBatch.empty
        while let request = servers[index].promptQueue.first {
            let size = requests[request].promptTokens
            if batch.sequences > 0, batch.totalTokens + size > settings.promptTokenBudget { break }
            servers[index].prefillBatch.append(servers[index].promptQueue.removeFirst())
            batch.addChunk(tokens: size, priorTokens: 0)
        }
        guard batch.sequences > 0 else { return }
        let seconds = stepTimes(servers[index].pool) { $0.prefillSeconds(batch) }
        begin(index, seconds: seconds, prefillSeconds: seconds)
    }

    func finishPrefillBatch(_ index: Int) {
        let batch = servers[index].prefillBatch
        servers[index].prefillBatch = []
        // Pending tokens include the batch in progress until its prefill completes (Splitwise's JSQ load).
        servers[index].pendingPromptTokens -= batch.reduce(0) { $0 + requests[$1].promptTokens }
        refreshLoad(index)
        for request in batch { promptDone(request, on: index) }
        startPrefillBatch(index)
    }

    /// The prefill produced the first token; the KV cache moves to the token machine, layer by layer,
    /// overlapped with prefill.
    ///
    /// Link contention, FIFO per NIC: a transfer holds the sender's send link and the receiver's receive
    /// link for its whole byte time, as one block that ends where the transfer alone would end (the
    /// last layer after prefill), or later, once both links have finished the transfers queued before
    /// it. The setup cost follows and holds no link.
    private func promptDone(_ request: Int, on index: Int) {
        ttft[request] = now
        generated[request] = 1
        let target = holder[request], prompt = requests[request].promptTokens
        if requests[request].outputTokens <= 1 {
            // The first token was the last: the token machine never sees the request.
            servers[target].queuedTokens -= prompt
            refreshLoad(target)
            finish(request)
            return
        }
        let transfer = transfers[servers[index].pool * pools.count + servers[target].pool]
        let prefill = stepTimes(servers[index].pool) { $0.prefillSeconds(promptTokens: prompt) }
        let linkSeconds = transfer.totalSeconds(promptTokens: prompt)
        let aloneEnd = now + transfer.linkTailSeconds(promptTokens: prompt, prefillSeconds: prefill)
        let sender = servers[index].machine, receiver = servers[target].machine
        let start = max(aloneEnd - linkSeconds, sendLinkFreeSeconds[sender], receiveLinkFreeSeconds[receiver])
        let end = start + linkSeconds
        sendLinkFreeSeconds[sender] = end
        receiveLinkFreeSeconds[receiver] = end
        queue.push(.kvArrived(request: request, server: target), at: end + transfer.setupSeconds)
    }
}
