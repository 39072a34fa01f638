import ClusterModel
import Foundation
@testable import Simulation
import Testing
import Throughput

@Suite struct BorrowingTests {
    /// One prompt and one token DGX-H100 with the test's linear step times; prompt overflow past 100
    /// pending tokens. A (300 tokens, 2 outputs) prefills on the prompt machine 0–0.3 s. B (50 tokens,
    /// 2 outputs) arrives at 0.1 s with 300 tokens pending there: the token machine is borrowed into the
    /// mixed pool and prefills B itself, 0.1–0.15 s (TTFT 0.05 s); with no prompt work left it goes home
    /// at 0.15 s and decodes B's second token as a token machine, 0.15–0.16 s (E2E 0.06 s). A's KV
    /// arrives at 0.3 s + 3.072 µs (the last of 80 layers: 300 × 327,680 B / 400 GB/s / 80) + 4.99 ms
    /// setup, and one decode step ends it.
    @Test func tokenMachineBorrowedForAPromptSurgeAndReturned() throws {
        var settings = SchedulerSettings()
        settings.promptOverflowTokens = 100
        let requests = [Request(arrivalSeconds: 0, promptTokens: 300, outputTokens: 2),
                        Request(arrivalSeconds: 0.1, promptTokens: 50, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: try linearPools(), settings: settings).run()
        let a = trace.outcomes[0], b = trace.outcomes[1]
        #expect(abs(b.ttftSeconds - 0.05) < 1e-9 && abs(b.e2eSeconds - 0.06) < 1e-9)
        #expect(abs(a.ttftSeconds - 0.3) < 1e-9 && abs(a.e2eSeconds - (0.31 + 3.072e-6 + 0.00499)) < 1e-9)
        #expect(trace.pools[1].borrowings == 1 && abs(trace.pools[1].borrowedSeconds - 0.05) < 1e-9)
        #expect(trace.pools[0].borrowings == 0 && trace.mixedRoutedRequests == 1)

        // Without borrowing B waits for A's prefill on the prompt machine: 0.3–0.35 s.
        settings.borrowing = false
        let kept = try ClusterSimulation(requests: requests, pools: try linearPools(), settings: settings).run()
        #expect(abs(kept.outcomes[1].ttftSeconds - 0.25) < 1e-9 && kept.pools[1].borrowings == 0 && kept.mixedRoutedRequests == 0)
    }

    /// A token pool borrowed whole does not keep requests in the mixed pool once prompts stop backing up.
    /// As above, A (300 tokens) prefills on the prompt machine 0–0.3 s, and B (500 tokens) arriving at
    /// 0.1 s borrows the token machine, which prefills it 0.1–0.6 s. C (50 tokens) arrives at 0.35 s: the
    /// prompt machine is idle, the only token machine is still borrowed. C goes split: it prefills on the
    /// prompt machine, 0.35–0.4 s (TTFT 0.05 s), and decodes on the borrowed token machine; the prompt
    /// machine is not borrowed (treating the empty token pool as memory overflow borrowed it, and served C
    /// there whole: E2E 0.06 s) and only B is served in the mixed pool.
    @Test func aBorrowedTokenPoolStillDecodesOnceThePromptSurgeIsOver() throws {
        var settings = SchedulerSettings()
        settings.promptOverflowTokens = 100
        let requests = [Request(arrivalSeconds: 0, promptTokens: 300, outputTokens: 2),
                        Request(arrivalSeconds: 0.1, promptTokens: 500, outputTokens: 2),
                        Request(arrivalSeconds: 0.35, promptTokens: 50, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: try linearPools(), settings: settings).run()
        #expect(abs(trace.outcomes[1].ttftSeconds - 0.5) < 1e-9)
        #expect(abs(trace.outcomes[2].ttftSeconds - 0.05) < 1e-9)
        #expect(trace.mixedRoutedRequests == 1 && trace.pools[1].borrowings == 1 && trace.pools[0].borrowings == 0)
        // A's and C's KV reach the token machine during B's prefill; all three decode their second token in
        // the next step, 0.6–0.61 s (C's E2E 0.26 s), and the token machine went home at 0.6 s.
        #expect(abs(trace.outcomes[2].e2eSeconds - 0.26) < 1e-9)
        #expect(abs(trace.pools[1].borrowedSeconds - 0.5) < 1e-9)
    }

    /// The token machine holds 1,000 tokens of KV and overflows past half of it. A (600 tokens, 20 outputs)
    /// prefills 0–0.6 s; its KV reaches the token machine at 0.6 s + 6.144 µs + 4.99 ms, and 19 decode
    /// steps end it 0.19 s later. B (100 tokens, 2 outputs) arrives at 0.7 s, when A's 38 blocks (608
    /// tokens) pass the share: the idle prompt machine is borrowed and serves B whole, prefill 0.7–0.8 s
    /// and one decode step to 0.81 s; holding nothing more, it goes home then (0.11 s borrowed).
    @Test func idlePromptMachineBorrowedWhenTokenMemoryRunsShort() throws {
        var settings = SchedulerSettings()
        settings.tokenOverflowKVShare = 0.5
        let pools = try linearPools().map { pool -> SimulatedPool in
            var bounded = pool
            if pool.spec.role == .token { bounded.kvCapacityTokens = 1_000 }
            return bounded
        }
        let requests = [Request(arrivalSeconds: 0, promptTokens: 600, outputTokens: 20),
                        Request(arrivalSeconds: 0.7, promptTokens: 100, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: pools, settings: settings).run()
        let a = trace.outcomes[0], b = trace.outcomes[1]
        #expect(abs(a.ttftSeconds - 0.6) < 1e-9 && abs(a.e2eSeconds - (0.79 + 6.144e-6 + 0.00499)) < 1e-9)
        #expect(abs(b.ttftSeconds - 0.1) < 1e-9 && abs(b.e2eSeconds - 0.11) < 1e-9)
        #expect(trace.pools[0].borrowings == 1 && abs(trace.pools[0].borrowedSeconds - 0.11) < 1e-9)
        #expect(trace.pools[1].borrowings == 0)
    }
}
