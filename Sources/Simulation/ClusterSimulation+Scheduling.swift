/// Splitwise's cluster scheduler: join-shortest-queue on pending tokens, the prompt and token machine
/// chosen together at arrival, the mixed pool when prompt queues pass a threshold (or when it is the
/// only pool, as in the baselines). It sees only what a real scheduler sees at arrival: the prompt.
extension ClusterSimulation {
    func arrive(_ request: Int) {
        let prompt = requests[request].promptTokens
        // The least KV a token or mixed instance must hold: the prompt and the first token.
        let firstBlocks = blocks(prompt + 1)
        let fits: (Int) -> Bool = { self.servers[$0].kvCapacityBlocks >= firstBlocks }
        let promptChoice = leastLoaded(.prompt) { self.servers[$0].pendingPromptTokens }
        let tokenChoice = leastLoaded(.token, fitting: fits, load: kvLoadTokens)
        let mixedChoice = leastLoaded(.mixed, fitting: fits, load: kvLoadTokens)
        let overflow = promptChoice.map { servers[$0].pendingPromptTokens > settings.mixedOverflowTokens } ?? true
        if let promptServer = promptChoice, let tokenServer = tokenChoice, !(overflow && mixedChoice != nil) {
            holder[request] = tokenServer
            servers[tokenServer].queuedTokens += prompt
            refreshLoad(tokenServer)
            enqueuePrompt(request, on: promptServer)
        } else if let mixedServer = mixedChoice {
            holder[request] = mixedServer
            prefillLength[request] = prompt
            prefillRemaining[request] = prompt
            stage[request] = .waiting
            servers[mixedServer].queuedTokens += prompt
            servers[mixedServer].waiting.append(request)
            if servers[mixedServer].busy { refreshLoad(mixedServer) } else { startIteration(mixedServer) }
        } else {
            let anyPrompt = servers.contains { $0.role != .token }
            drop(request, because: anyPrompt
                ? "its prompt needs \(prompt + 1) tokens of KV cache, more than any token or mixed machine holds"
                : "the cluster has no prompt or mixed machine")
        }
    }

    /// Tokens an instance holds in KV or has been sent but not yet admitted: its join-shortest-queue load.
    func kvLoadTokens(_ index: Int) -> Int {
        servers[index].queuedTokens + servers[index].usedBlocks * settings.kvBlockTokens
    }

    /// Records a server's join-shortest-queue load after it changed.
    func refreshLoad(_ index: Int) {
        // Field by field: copying the whole server would retain each of its arrays.
        let role = servers[index].role
        let load = role == .prompt ? servers[index].pendingPromptTokens : kvLoadTokens(index)
        loadTrees[role.treeIndex].update(position: loadPositions[index], load: load)
    }

    /// The server of `role` with the least load (lowest index on ties), among those `fitting`: the tree's
    /// winner, or a scan when it does not fit (a pool whose machines hold less KV than the others).
    private func leastLoaded(_ role: ClusterRole, fitting: (Int) -> Bool = { _ in true }, load: (Int) -> Int) -> Int? {
        guard let best = loadTrees[role.treeIndex].best else { return nil }
        if fitting(best) { return best }
        var choice: Int?, bestLoad = Int.max
        for index in loadTrees[role.treeIndex].servers where fitting(index) {
            let value = load(index)
            if value < bestLoad { choice = index; bestLoad = value }
        }
        return choice
    }
}
