import ClusterModel
import Foundation
@testable import Simulation
import Testing
import Throughput

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = root.appendingPathComponent("Catalog")
}

/// Step times chosen by the test: prefill takes `secondsPerPromptToken` per token, a decode step a fixed time.
struct LinearModel: PerformanceModel {
    let deployment: Deployment
    var secondsPerPromptToken = 0.001
    var decodeStep = 0.01

    func prefillSeconds(_ batch: PrefillBatch) -> Double { Double(batch.totalTokens) * secondsPerPromptToken }
    func decodeStepSeconds(_ batch: DecodeBatch) -> Double { decodeStep }
}

func linearPools(prompt: Int = 1, token: Int = 1, decodeStep: Double = 0.01) throws -> [SimulatedPool] {
    let catalog = try Catalog.load(directory: Repository.catalog)
    let deployment = try Deployment(model: try #require(catalog.models["llama2-70b"]), machine: try #require(catalog.machines["dgx-h100"]), catalog: catalog)
    let model = LinearModel(deployment: deployment, decodeStep: decodeStep)
    return [SimulatedPool(spec: PoolSpec(role: .prompt, machine: "dgx-h100", count: prompt), performance: model, kvCapacityTokens: 10_000_000),
            SimulatedPool(spec: PoolSpec(role: .token, machine: "dgx-h100", count: token), performance: model, kvCapacityTokens: 10_000_000)]
}

/// Poisson arrivals at `rate`; prompt sizes from `size`; one output token, so a request ends with its prefill.
func poissonRequests(count: Int, rate: Double, seed: UInt64, size: (inout SplitMix64) -> Int) -> [Request] {
    var random = SplitMix64(seed: seed), clock = 0.0
    return (0..<count).map { _ in
        clock += ArrivalSampling.interarrival(.poisson(ratePerSecond: rate), ratePerSecond: rate, &random)
        return Request(arrivalSeconds: clock, promptTokens: size(&random), outputTokens: 1)
    }
}

/// Mean wait in queue = mean TTFT minus mean service.
func meanWait(_ requests: [Request], pools: [SimulatedPool]) throws -> Double {
    var settings = SchedulerSettings()
    settings.promptTokenBudget = 1 // one prompt per prefill: a single-server queue
    settings.borrowing = false // the queue stays on its machine
    let trace = try ClusterSimulation(requests: requests, pools: pools, settings: settings).run()
    let waits = trace.outcomes.map { $0.ttftSeconds - Double($0.request.promptTokens) * 0.001 }
    return waits.reduce(0, +) / Double(waits.count)
}

@Suite struct QueueingTheoryTests {
    /// M/M/1 at ρ = 0.5 with mean service 1 s: W = ρ·S/(1 − ρ) = 1 s. Exponential service: prompt sizes
    /// exponential with mean 1000 tokens at 1 ms per token.
    @Test func mm1MeanWait() throws {
        let requests = poissonRequests(count: 400_000, rate: 0.5, seed: 7) { random in
            max(1, Int((-1000 * log(1 - random.nextUnit())).rounded()))
        }
        let meanService = requests.reduce(0.0) { $0 + Double($1.promptTokens) * 0.001 } / Double(requests.count)
        let rho = 0.5 * meanService
        let expected = rho * meanService / (1 - rho)
        let measured = try meanWait(requests, pools: try linearPools())
        #expect(abs(measured / expected - 1) < 0.03, "M/M/1 wait \(measured) vs \(expected)")
    }

    /// M/D/1 at ρ = 0.5 with service 1 s: W = ρ·S/(2(1 − ρ)) = 0.5 s.
    @Test func md1MeanWait() throws {
        let requests = poissonRequests(count: 400_000, rate: 0.5, seed: 11) { _ in 1000 }
        let measured = try meanWait(requests, pools: try linearPools())
        #expect(abs(measured / 0.5 - 1) < 0.03, "M/D/1 wait \(measured) vs 0.5")
    }

    @Test func eventsRunInTimeThenInsertionOrder() {
        var queue = EventQueue<Int>()
        for (payload, time) in [(1, 2.0), (2, 1.0), (3, 2.0), (4, 0.5), (5, 1.0)] { queue.push(payload, at: time) }
        var order: [Int] = []
        while let (_, payload) = queue.pop() { order.append(payload) }
        #expect(order == [4, 2, 5, 1, 3])
    }
}
