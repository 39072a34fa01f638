/// Whole-prompt batching (`SchedulerPolicy.wholePromptBatching`), SplitwiseSim's machine scheduler
/// (`instance.py`, `SplitwiseInstance.select_batch`): prompts enter an iteration first and whole, each
/// running decode takes one token of the same budget, and the decodes that find no room sit the
/// iteration out with their KV blocks kept. Those that sat one out are the last to sit out the next.
extension ClusterSimulation {
    /// Whether a waiting prompt of `tokens` enters an iteration that already holds `prefill`: the first
    /// always, later ones while the prompts fit the budget.
    func wholePromptFits(_ tokens: Int, after prefill: Int) -> Bool {
        prefill == 0 || prefill + tokens <= settings.promptTokenBudget
    }

    /// Before iteration `iteration` picks its batch: the decodes that sat the last iteration out run again,
    /// each with the block its next token needs (returned when it sat out); one that finds no free block
    /// sits this one out too.
    func rejoinPaused(_ index: Int, iteration: Int) {
        servers[index].rejoined.removeAll(keepingCapacity: true)
        guard !servers[index].paused.isEmpty else { return }
        let paused = servers[index].paused
        servers[index].paused.removeAll(keepingCapacity: true)
        for request in paused {
            let offset = requests[request].promptTokens + generated[request] - iteration
            let block = servers[index].running.grows(contextOffset: offset, at: iteration) ? 1 : 0
            guard servers[index].usedBlocks + block <= servers[index].kvCapacityBlocks else {
                servers[index].paused.append(request)
                continue
            }
            servers[index].usedBlocks += block
            join(request, on: index, iteration: iteration)
            servers[index].rejoined.append(request)
        }
    }

    /// Leaves `count` running decodes out of iteration `iteration`: the most recently admitted, those that
    /// sat the last iteration out only when no other is left. Each keeps its blocks but the one grown for
    /// this iteration's token, and produces no token in it.
    func pauseDecodes(_ index: Int, count: Int, iteration: Int) {
        guard count > 0 else { return }
        var left = count
        for spareRejoined in [true, false] where left > 0 {
            for entry in servers[index].running.order.reversed() where left > 0 && isLive(entry) {
                let request = entry.request
                if spareRejoined, servers[index].rejoined.contains(request) { continue }
                let offset = contextOffset[request]
                if servers[index].running.grows(contextOffset: offset, at: iteration) { servers[index].usedBlocks -= 1 }
                generated[request] = offset + iteration - requests[request].promptTokens
                servers[index].running.remove(contextOffset: offset)
                stage[request] = .paused
                servers[index].paused.append(request)
                left -= 1
            }
        }
    }
}
