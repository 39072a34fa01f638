/// Splitwise's cluster scheduler: join-shortest-queue on pending tokens, the prompt and token machine
/// chosen together at arrival, the mixed pool when prompt queues pass a threshold (or when it is the
/// only pool, as in the baselines). It sees only what a real scheduler sees at arrival: the prompt.
extension ClusterSimulation {
    func arrive(_ request: Int) {
        let prompt = requests[request].promptTokens
        // The least KV a token or mixed instance must hold: the prompt and the first token.
        let firstBlocks = blocks(prompt + 1)
        let fits: (Server) -> Bool = { $0.kvCapacityBlocks >= firstBlocks }
        let promptChoice = leastLoaded(.prompt) { $0.pendingPromptTokens }
        let tokenChoice = leastLoaded(.token, fitting: fits) { kvLoadTokens($0) }
        let mixedChoice = leastLoaded(.mixed, fitting: fits) { kvLoadTokens($0) }
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
    func kvLoadTokens(_ server: Server) -> Int {
        server.queuedTokens + server.usedBlocks * settings.kvBlockTokens
    }

    /// Records a server's join-shortest-queue load after it changed.
    func refreshLoad(_ index: Int) {
        let server = servers[index]
        let load = server.role == .prompt ? server.pendingPromptTokens : kvLoadTokens(server)
        loadTrees[server.role.treeIndex].update(position: loadPositions[index], load: load)
    }

    /// The server of `role` with the least load (lowest index on ties), among those `fitting`: the tree's
    /// winner, or a scan when it does not fit (a pool whose machines hold less KV than the others).
    private func leastLoaded(_ role: ClusterRole, fitting: (Server) -> Bool = { _ in true }, load: (Server) -> Int) -> Int? {
        guard let best = loadTrees[role.treeIndex].best else { return nil }
        if fitting(servers[best]) { return best }
        var choice: Int?, bestLoad = Int.max
        for index in loadTrees[role.treeIndex].servers where fitting(servers[index]) {
            let value = load(servers[index])
            if value < bestLoad { choice = index; bestLoad = value }
        }
        return choice
    }
}
