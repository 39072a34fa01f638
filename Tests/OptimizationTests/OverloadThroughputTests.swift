import ClusterModel
@testable import Optimization
import Testing
import Throughput

/// Throughput under overload by hand, on timelines simple enough to work out: one class of prompts that
/// fill the token budget exactly.
@Suite struct OverloadThroughputTests {
    /// The shipped quick-start machine at full power, profiled for `classes`.
    func profile(_ classes: [WorkloadClass]) throws -> ServiceProfile {
        let planner = try planner()
        let planRequest = try request("Scenarios/quickstart.json", design: .splitwiseHH)
        let context = try planner.context(planRequest)
        let (_, input, _) = try planner.solve(planRequest, context: context, design: .splitwiseHH, designIndex: 0)
        let option = try #require(input.profiles.first { $0.tokenCapable }).option
        return ServiceProfile(option: option, classes: classes, slo: context.slo)
    }

    /// Prompts of exactly the 2048-token budget, two output tokens each. A prompt machine prefills one
    /// prompt a batch. A mixed machine under overload runs, every iteration, one whole prompt beside the
    /// one request whose prompt the iteration before carried, which makes its second token and leaves: one
    /// request per iteration of one prefill of 2048 tokens and one decode at 2049 tokens of context.
    @Test func promptsThatFillTheBudget() throws {
        let classes = [WorkloadClass(promptTokens: 2048, outputTokens: 2, share: 1, ratePerSecond: 1)]
        let profile = try profile(classes)
        let performance = profile.option.performance
        let instances = Double(profile.option.deployment.instancesPerMachine)
        let iteration = performance.mixedStepSeconds(prefill: PrefillBatch(prompts: [2048]), decode: DecodeBatch(batch: 1, contextTokens: 2049))
        let mixed = OverloadThroughput.mixedPerMachine(profile, classes: classes)
        #expect(abs(mixed / (instances / iteration) - 1) < 1e-9, "\(mixed) req/s a machine, by hand \(instances / iteration)")
        let prompt = OverloadThroughput.promptPerMachine(profile, classes: classes)
        #expect(abs(prompt / (instances / performance.prefillSeconds(promptTokens: 2048)) - 1) < 1e-9)
        // A token machine decodes the one remaining token of as many requests as its memory holds at once.
        let batch = profile.memoryBatch
        let step = performance.decodeStepSeconds(batch: batch, contextTokens: 2049)
        let token = OverloadThroughput.tokenPerMachine(profile, classes: classes)
        #expect(batch > 100 && abs(token / (instances * Double(batch) / step) - 1) < 1e-9)
        // Three prompt and five token machines: the prompt pool saturates first without borrowing; with
        // it, all eight serve as a mixed pool.
        let cluster = OverloadThroughput(pools: [.init(profile: profile, role: .prompt, machines: 3), .init(profile: profile, role: .token, machines: 5)],
                                         classes: classes)
        #expect(abs(cluster.withoutBorrowingRequestsPerSecond - min(3 * prompt, 5 * token)) < 1e-9 * cluster.withoutBorrowingRequestsPerSecond)
        #expect(abs(cluster.withBorrowingRequestsPerSecond - 8 * mixed) < 1e-9 * cluster.withBorrowingRequestsPerSecond)
        // A mixed pool alone never borrows.
        let alone = OverloadThroughput(pools: [.init(profile: profile, role: .mixed, machines: 8)], classes: classes)
        #expect(alone.withBorrowingRequestsPerSecond == alone.withoutBorrowingRequestsPerSecond)
        #expect(abs(alone.withBorrowingRequestsPerSecond / cluster.withBorrowingRequestsPerSecond - 1) < 1e-9)
    }

    /// Short prompts, long outputs: the decodes that would ride along a full budget of chunks every
    /// iteration (2048 · 2000 / 64) outnumber what KV memory holds, so the batch B is memory's and only some
    /// iterations carry chunks, 32 whole prompts each. Per second of an instance, X requests take X / 32
    /// such iterations, each what 32 prompts add to a decode step, and X · 2000 / B decode steps: X = 1 /
    /// (added / 32 + 2000 · step / B). Fewer than a token machine completes, whose prompts come prefilled.
    @Test func memoryBoundMixedMachines() throws {
        let classes = [WorkloadClass(promptTokens: 64, outputTokens: 2001, share: 1, ratePerSecond: 1)]
        let profile = try profile(classes)
        let performance = profile.option.performance
        let instances = Double(profile.option.deployment.instancesPerMachine)
        let batch = profile.memoryBatch
        #expect(batch > 1 && Double(batch) < 2048 * 2000 / 64)
        let decode = DecodeBatch(batch: batch, contextTokens: 64 + 1000)
        let step = performance.decodeStepSeconds(decode)
        let added = performance.mixedStepSeconds(prefill: PrefillBatch(prompts: Array(repeating: 64, count: 32)), decode: decode) - step
        let mixed = OverloadThroughput.mixedPerMachine(profile, classes: classes)
        let byHand = instances / (added / 32 + 2000 * step / Double(batch))
        #expect(abs(mixed / byHand - 1) < 1e-9, "\(mixed) req/s a machine, by hand \(byHand)")
        let token = OverloadThroughput.tokenPerMachine(profile, classes: classes)
        #expect(abs(token / (instances * Double(batch) / (2000 * step)) - 1) < 1e-9 && mixed < token)
    }
}
