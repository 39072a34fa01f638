/// Splitwise's cluster scheduler: join-shortest-queue on pending tokens, the prompt and token machine
/// chosen together at arrival, the mixed pool when prompt queues pass a threshold (or when it is the
/// only pool, as in the baselines).
extension ClusterSimulation {
    func arrive(_ request: Int) {
        let prompt = requests[request].promptTokens, need = prompt + requests[request].outputTokens
        let promptChoice = leastLoaded(.prompt) { $0.pendingPromptTokens }
        let tokenChoice = leastLoaded(.token) { $0.committedTokens } fitting: { $0.kvCapacityTokens >= need }
        let mixedChoice = leastLoaded(.mixed) { $0.pendingPromptTokens + $0.committedTokens } fitting: { $0.kvCapacityTokens >= need }
        let overflow = promptChoice.map { servers[$0].pendingPromptTokens > settings.mixedOverflowTokens } ?? true
        if let promptServer = promptChoice, let tokenServer = tokenChoice, !(overflow && mixedChoice != nil) {
            self.tokenServer[request] = tokenServer
            servers[tokenServer].committedTokens += need
            enqueue(request, on: promptServer)
        } else if let mixedServer = mixedChoice {
            servers[mixedServer].committedTokens += need
            enqueue(request, on: mixedServer)
        } else {
            let anyPrompt = servers.contains { $0.role != .token }
            dropReason[request] = anyPrompt
                ? "needs \(need) tokens of KV cache, more than any token or mixed machine holds"
                : "the cluster has no prompt or mixed machine"
            completion[request] = .nan
        }
    }

    private func enqueue(_ request: Int, on server: Int) {
        servers[server].promptQueue.append(request)
        servers[server].pendingPromptTokens += requests[request].promptTokens
        servers[server].compactQueues()
        startIfIdle(server)
    }

    /// The server of `role` with the least load (lowest index on ties), among those `fitting`.
    private func leastLoaded(_ role: ClusterRole, load: (Server) -> Int, fitting: (Server) -> Bool = { _ in true }) -> Int? {
        var best: Int?, bestLoad = Int.max
        for index in servers.indices where servers[index].role == role && fitting(servers[index]) {
            let value = load(servers[index])
            if value < bestLoad { best = index; bestLoad = value }
        }
        return best
    }
}
