/// Splitwise's cluster scheduler (§4.2): join-shortest-queue on pending tokens, the prompt and token
/// machine chosen together at arrival. When the prompt machines' queues pass a threshold (or the token
/// machines' KV memory does), the request goes to the mixed pool; when no mixed instance can take it,
/// an instance of the opposite pool is borrowed into the mixed pool, and goes home once its borrowed
/// work has drained; when the whole token pool is borrowed and prompts no longer back up, the borrowed
/// token instances still take handed-off decodes. The baselines are a mixed pool alone. The scheduler
/// sees only what a real one sees at arrival: the prompt, and the instances' queues and KV memory.
extension ClusterSimulation {
    func arrive(_ request: Int) {
        let prompt = requests[request].promptTokens
        // The least KV a token or mixed instance must hold: the prompt and the first token.
        let firstBlocks = blocks(prompt + 1)
        let fits: (Int) -> Bool = { self.servers[$0].kvCapacityBlocks >= firstBlocks }
        let promptChoice = leastLoaded(.prompt) { self.servers[$0].pendingPromptTokens }
        let tokenChoice = leastLoaded(.token, fitting: fits, load: kvLoadTokens)
        let mixedChoice = leastLoaded(.mixed, fitting: fits, load: pendingTokens)
        let promptOverflow = promptChoice.map { servers[$0].pendingPromptTokens > settings.promptOverflowTokens } ?? true
        let tokenOverflow = borrows && (tokenChoice.map(kvOverflows) ?? true)
        if let promptServer = promptChoice, let tokenServer = tokenChoice, !promptOverflow, !tokenOverflow {
            routeSplit(request, prompt: promptServer, token: tokenServer)
            return
        }
        // No token instance is left in its pool (all borrowed, or none fits) but prompts no longer back
        // up: a borrowed token instance still decodes, so the request goes split and the borrowed
        // instances can drain and go home. (Treating the empty token pool as overflow instead kept every
        // request in the mixed pool for good after a burst.) While prompts back up, everything still goes
        // mixed: at saturation the cluster falls back to one mixed pool.
        if borrows, tokenChoice == nil, !promptOverflow, let promptServer = promptChoice,
           let tokenServer = leastLoadedBorrowedTokenInstance(fitting: fits), !kvOverflows(tokenServer) {
            routeSplit(request, prompt: promptServer, token: tokenServer)
            return
        }
        // A mixed instance takes the request unless, with borrowing, its own queues are past the thresholds.
        let mixedTakes = mixedChoice.map { !borrows || (servers[$0].promptWorkTokens <= settings.promptOverflowTokens && !kvOverflows($0)) }
        if let mixedServer = mixedChoice, mixedTakes == true {
            routeMixed(request, to: mixedServer)
        } else if borrows, promptOverflow, let tokenServer = tokenChoice {
            // Prompts back up: a token instance joins the mixed pool and prefills this request itself.
            borrow(tokenServer)
            routeMixed(request, to: tokenServer)
        } else if borrows, tokenOverflow, let promptServer = idlePromptInstance(fitting: fits) {
            // Token memory runs out: an idle prompt instance joins the mixed pool and decodes this request itself.
            borrow(promptServer)
            routeMixed(request, to: promptServer)
        } else if let promptServer = promptChoice, let tokenServer = tokenChoice {
            routeSplit(request, prompt: promptServer, token: tokenServer)
        } else if let mixedServer = mixedChoice {
            routeMixed(request, to: mixedServer)
        } else {
            let anyPrompt = servers.contains { $0.home != .token }
            drop(request, because: anyPrompt
                ? "its prompt needs \(prompt + 1) tokens of KV cache, more than any token or mixed machine holds"
                : "the cluster has no prompt or mixed machine")
        }
    }

    private func routeSplit(_ request: Int, prompt promptServer: Int, token tokenServer: Int) {
        holder[request] = tokenServer
        servers[tokenServer].queuedTokens += requests[request].promptTokens
        refreshLoad(tokenServer)
        enqueuePrompt(request, on: promptServer)
    }

    private func routeMixed(_ request: Int, to server: Int) {
        let prompt = requests[request].promptTokens
        holder[request] = server
        prefillLength[request] = prompt
        prefillRemaining[request] = prompt
        stage[request] = .waiting
        mixedRouted += 1
        servers[server].queuedTokens += prompt
        servers[server].promptWorkTokens += prompt
        servers[server].waiting.append(request)
        if servers[server].busy { refreshLoad(server) } else { startIteration(server) }
    }

    /// KV memory past the overflow share: what the instance holds and has been sent.
    private func kvOverflows(_ index: Int) -> Bool {
        Double(kvLoadTokens(index)) > settings.tokenOverflowKVShare * Double(servers[index].kvCapacityTokens)
    }

    /// The borrowed token instance (now in the mixed pool) holding the least KV.
    private func leastLoadedBorrowedTokenInstance(fitting: (Int) -> Bool) -> Int? {
        leastLoadedByScan(load: kvLoadTokens) { servers[$0].home == .token && servers[$0].role == .mixed && fitting($0) }
    }

    /// A prompt instance with nothing queued or running (lowest index), that can hold the request's KV.
    private func idlePromptInstance(fitting: (Int) -> Bool) -> Int? {
        guard let best = loadTrees[ClusterRole.prompt.treeIndex].best, servers[best].pendingPromptTokens == 0,
              !servers[best].busy, fitting(best) else { return nil }
        return best
    }

    private func borrow(_ index: Int) {
        assert(servers[index].role == servers[index].home && servers[index].home != .mixed, "only a home instance is borrowed")
        changeRole(index, to: .mixed)
        servers[index].borrowings += 1
        servers[index].borrowedSince = now
    }

    /// A borrowed instance goes home once its borrowed work has drained: a token instance when it has no
    /// prompt left to prefill, a prompt instance when it holds no request at all.
    func returnIfDrained(_ index: Int) {
        let server = (home: servers[index].home, role: servers[index].role)
        guard server.role == .mixed, server.home != .mixed else { return }
        let drained = server.home == .token
            ? servers[index].promptWorkTokens == 0
            : servers[index].running.count == 0 && servers[index].prefilling.isEmpty && servers[index].waiting.isEmpty && !servers[index].busy
        guard drained else { return }
        changeRole(index, to: server.home)
        servers[index].borrowedSeconds += now - servers[index].borrowedSince
    }

    /// Tokens an instance holds in KV or has been sent but not yet admitted: its join-shortest-queue load.
    func kvLoadTokens(_ index: Int) -> Int {
        servers[index].queuedTokens + servers[index].usedBlocks * settings.kvBlockTokens
    }

    /// A mixed instance's join-shortest-queue load, as Splitwise's simulator counts it (its mixed-pool and
    /// token-JSQ schedulers' `sched_pending_tokens`): the prompt tokens not yet prefilled, plus one for
    /// every request it holds. A prompt then goes where no prefill is ahead of it, when such an instance
    /// exists; by KV held alone, a short prompt barely adds to its instance's load, so the next arrivals
    /// follow it there and queue behind its chunks (more so the more arrivals per iteration the pool gets).
    func pendingTokens(_ index: Int) -> Int {
        servers[index].promptWorkTokens + servers[index].waiting.count + servers[index].prefilling.count + servers[index].running.count
    }

    /// Records a server's join-shortest-queue load, in the tree of the role it plays, after it changed.
    func refreshLoad(_ index: Int) {
        let role = servers[index].role
        let load = switch role {
        case .prompt: servers[index].pendingPromptTokens
        case .mixed: pendingTokens(index)
        case .token: kvLoadTokens(index)
        }
        loadTrees[role.treeIndex].update(position: index, load: load)
    }

    /// Moves an instance to another role: out of its old role's tree, into the new one's.
    private func changeRole(_ index: Int, to role: ClusterRole) {
        loadTrees[servers[index].role.treeIndex].update(position: index, load: .max)
        servers[index].role = role
        refreshLoad(index)
    }

    /// The server of `role` with the least load (lowest index on ties), among those `fitting`: the tree's
    /// winner, or a scan when it does not fit (a pool whose machines hold less KV than the others).
    private func leastLoaded(_ role: ClusterRole, fitting: (Int) -> Bool = { _ in true }, load: (Int) -> Int) -> Int? {
        guard let best = loadTrees[role.treeIndex].best else { return nil }
        if fitting(best) { return best }
        return leastLoadedByScan(load: load) { servers[$0].role == role && fitting($0) }
    }

    /// The server with the least load (lowest index on ties) among those `included`, by a scan: for the
    /// rare choices the role's tree cannot make.
    private func leastLoadedByScan(load: (Int) -> Int, where included: (Int) -> Bool) -> Int? {
        var choice: Int?, bestLoad = Int.max
        for index in servers.indices where included(index) {
            let value = load(index)
            if value < bestLoad { choice = index; bestLoad = value }
        }
        return choice
    }
}
