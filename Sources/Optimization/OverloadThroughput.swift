import ClusterModel
import Throughput

/// What a cluster completes a second when arrivals outrun it (a surge past the planned rate, or a batch
/// job). No SLO holds then and prompts always wait: a prompt machine prefills batch after batch, a token
/// machine decodes with its KV memory full, a mixed machine carries a full token budget of prompt chunks
/// in every iteration (or, when its memory fills first, in as many as it can).
///
/// Without borrowing, every machine stays in its pool and the pool that saturates first bounds the
/// split pools; the idle share of the other is lost. With borrowing (the simulator's scheduler,
/// Splitwise §4.2), queues past their thresholds keep moving machines into the mixed pool until the whole
/// cluster serves as one (Splitwise §6.5: the split designs fall back to the baseline's behaviour).
public struct OverloadThroughput: Sendable, Codable, Equatable {
    /// Every machine kept in its pool.
    public var withoutBorrowingRequestsPerSecond: Double
    /// Borrowing on: the split pools' machines serve as one mixed pool. Equal to the other for a cluster
    /// of mixed pools only, which never borrows.
    public var withBorrowingRequestsPerSecond: Double

    /// One pool: a machine option's profile, its role and its machine count.
    public struct Pool {
        public var profile: ServiceProfile
        public var role: Role
        public var machines: Int

        public init(profile: ServiceProfile, role: Role, machines: Int) {
            (self.profile, self.role, self.machines) = (profile, role, machines)
        }
    }

    public init(pools: [Pool], classes: [WorkloadClass]) {
        func total(_ role: Role, _ rate: (ServiceProfile) -> Double) -> Double {
            pools.filter { $0.role == role }.reduce(0) { $0 + Double($1.machines) * rate($1.profile) }
        }
        let mixed = total(.mixed) { Self.mixedPerMachine($0, classes: classes) }
        let borrows = pools.contains { $0.role == .prompt } && pools.contains { $0.role == .token }
        // Split pools complete what the one that saturates first does; a lone prompt or token pool, nothing.
        let split = borrows ? min(total(.prompt) { Self.promptPerMachine($0, classes: classes) },
                                  total(.token) { Self.tokenPerMachine($0, classes: classes) }) : 0
        withoutBorrowingRequestsPerSecond = mixed + split
        withBorrowingRequestsPerSecond = borrows
            ? pools.reduce(0) { $0 + Double($1.machines) * Self.mixedPerMachine($1.profile, classes: classes) }
            : withoutBorrowingRequestsPerSecond
    }

    /// Prompts batched up to the token budget, back to back: one over the machine-seconds per request.
    static func promptPerMachine(_ profile: ServiceProfile, classes: [WorkloadClass]) -> Double {
        let work = classes.indices.reduce(0.0) { $0 + classes[$1].share * profile.promptWork[$1] }
        return work > 0 ? 1 / work : 0
    }

    /// Decodes in batches of what KV memory holds at the workload's mean context (Little's law: the batch
    /// over the time a request decodes there; its first token came from the prompt machine).
    static func tokenPerMachine(_ profile: ServiceProfile, classes: [WorkloadClass]) -> Double {
        let batch = profile.memoryBatch
        guard batch >= 1 else { return 0 }
        let model = MixedPoolModel(profile: profile, classes: classes, servers: 1)
        let decode = meanDecodeSteps(classes) * model.step(batch: Double(batch))
        // With no token to decode after the first, a token machine never holds a request back.
        return decode > 0 ? Double(model.servers * batch) / decode : .infinity
    }

    /// Mixed continuous batching with prompts always waiting: each iteration carries the running decodes
    /// and a full token budget of prompt chunks, so a request decodes beside E[output − 1] iterations'
    /// chunks, and the decode batch is budget · E[output − 1] / E[prompt] (Little's law), unless KV memory
    /// holds fewer; then some iterations carry no chunk. Per instance, one request costs what its chunks
    /// add to the iterations (prompts packed back to back into the budget) and its share of the decode steps.
    static func mixedPerMachine(_ profile: ServiceProfile, classes: [WorkloadClass]) -> Double {
        guard profile.memoryBatch >= 1 else { return 0 }
        let model = MixedPoolModel(profile: profile, classes: classes, servers: 1)
        let meanPrompt = classes.reduce(0.0) { $0 + $1.share * Double($1.promptTokens) }
        let meanDecodes = meanDecodeSteps(classes)
        let riding = Double(profile.promptTokenBudget) * meanDecodes / max(meanPrompt, 1)
        let batch = max(1, min(Double(profile.memoryBatch), riding))
        let decode = DecodeBatch(batch: max(1, Int(batch.rounded())), contextTokens: model.meanContextTokens)
        let added = classes.reduce(0.0) { $0 + $1.share * packedChunkSeconds(prompt: $1.promptTokens, beside: decode, profile: profile) }
        let perRequest = added + meanDecodes * model.step(batch: batch) / batch
        return perRequest > 0 ? Double(model.servers) / perRequest : 0
    }

    /// E[output − 1]: the decode steps after the token that ends the prefill.
    static func meanDecodeSteps(_ classes: [WorkloadClass]) -> Double {
        classes.reduce(0.0) { $0 + $1.share * Double(max($1.outputTokens - 1, 0)) }
    }

    /// What a class's prompt adds to the iterations that carry it, when prompts of its size are packed back
    /// to back into chunks of the token budget beside `decode`: the mean over a stream of them.
    static func packedChunkSeconds(prompt: Int, beside decode: DecodeBatch, profile: ServiceProfile) -> Double {
        guard prompt > 0 else { return 0 }
        let performance = profile.option.performance
        let alone = performance.decodeStepSeconds(decode)
        let count = max(1, (8 * profile.promptTokenBudget + prompt - 1) / prompt)
        var total = 0.0, finished = 0, prior = 0
        while finished < count {
            var chunk = PrefillBatch.empty, room = profile.promptTokenBudget
            while room > 0, finished < count {
                let tokens = min(room, prompt - prior)
                chunk.addChunk(tokens: tokens, priorTokens: prior)
                room -= tokens
                prior += tokens
                if prior == prompt { (finished, prior) = (finished + 1, 0) }
            }
            total += max(0, performance.mixedStepSeconds(prefill: chunk, decode: decode) - alone)
        }
        return total / Double(count)
    }
}
