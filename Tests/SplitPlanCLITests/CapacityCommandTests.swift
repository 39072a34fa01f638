import Foundation
import SplitPlanCLI
import Testing

/// `capacity` searches the highest rate at which a cluster meets every SLO in simulation; the planner's
/// prediction for the same pools must agree with it.
@Suite(.serialized) struct CapacityCommandTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    func capacityJSON(_ arguments: [String]) throws -> [String: Any] {
        let output = try scratchFile("capacity.json")
        #expect(SplitPlanCommand.run(quietly: ["capacity"] + arguments + ["--format", "json", "--output", output] + catalog) == 0)
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
    }

    /// One split and two mixed (baseline) designs of the shipped Splitwise scenarios, at the pools `plan` picks
    /// for them (docs/capacity.md), and a token-bound cluster: the prediction within 10 % of the simulated capacity.
    /// Baseline-A100 on coding BLOOM-176B holds about one request per instance, where join-shortest-queue's
    /// misplaced requests decide what an arrival meets (the planner once put it 22 % under).
    @Test(arguments: [
        ["Scenarios/splitwise-conversation-bloom-176b-iso-power.json", "--pool", "prompt:dgx-h100=15", "--pool", "token:dgx-h100=25"],
        ["Scenarios/splitwise-conversation-llama2-70b-iso-power.json", "--pool", "mixed:dgx-h100=40"],
        ["Scenarios/splitwise-coding-bloom-176b-iso-cost.json", "--pool", "mixed:dgx-a100=86"],
        // Token-bound: the mean decode batch, not a cap on decode slots, limits a token pool.
        ["Scenarios/splitwise-conversation-llama2-70b-iso-cost.json", "--pool", "prompt:dgx-h100=40", "--pool", "token:dgx-h100=10",
         "--no-borrowing"],
    ])
    func plannerAgreesWithSimulatedCapacity(arguments: [String]) throws {
        let json = try capacityJSON([Repository.path(arguments[0])] + arguments.dropFirst() + ["--seeds", "1", "--duration", "200"])
        let simulated = try #require(json["simulated"] as? [String: Any])
        let capacity = try #require(simulated["requestsPerSecond"] as? Double)
        let predicted = try #require(json["predictedRequestsPerSecond"] as? Double)
        #expect(capacity > 5)
        #expect(abs(predicted / capacity - 1) <= 0.10, "predicted \(predicted) req/s, simulated \(capacity) req/s")
        // The bracket is real: a passing rate below a failing one, within the tolerance.
        let seed = try #require((simulated["seeds"] as? [[String: Any]])?.first)
        let passing = try #require(seed["passingRequestsPerSecond"] as? Double), failing = try #require(seed["failingRequestsPerSecond"] as? Double)
        #expect(passing < failing && failing / passing <= 1.02 + 1e-9)
    }

    /// Borrowing measured against its absence: 13 prompt and 27 token DGX-H100s on conversation Llama2-70B
    /// are prompt-short, and borrowing lends the idle token machines to the prompts' overflow (600 s runs,
    /// seeds 1 and 2: 160.6 req/s with it, 139.7 without). The search without borrowing is exactly the
    /// `--no-borrowing` search, and the planner, whose capacity within the SLOs credits no borrowing, is within 5 % of it.
    @Test func capacityWithAndWithoutBorrowing() throws {
        let cluster = [Repository.path("Scenarios/splitwise-conversation-llama2-70b-iso-cost.json"), "--pool", "prompt:dgx-h100=13",
                       "--pool", "token:dgx-h100=27", "--seeds", "1", "--duration", "200"]
        let both = try capacityJSON(cluster + ["--also-without-borrowing"])
        let kept = try capacityJSON(cluster + ["--no-borrowing"])
        #expect(both["borrowing"] as? Bool == true && kept["borrowing"] as? Bool == false)
        let without = try #require(both["simulatedWithoutBorrowing"] as? [String: Any]), keptSearch = try #require(kept["simulated"] as? [String: Any])
        #expect(NSDictionary(dictionary: without).isEqual(to: keptSearch))
        let withRate = try #require((both["simulated"] as? [String: Any])?["requestsPerSecond"] as? Double)
        let withoutRate = try #require(without["requestsPerSecond"] as? Double)
        #expect(withRate >= 1.1 * withoutRate, "with borrowing \(withRate) req/s, without \(withoutRate)")
        let predicted = try #require(both["predictedRequestsPerSecond"] as? Double)
        let error = try #require(both["predictionErrorWithoutBorrowingPercent"] as? Double)
        #expect(abs(error - 100 * (predicted / withoutRate - 1)) < 1e-9 && abs(error) <= 5)
        // A mixed pool alone never borrows: one search answers, and the second is not run.
        let mixed = try capacityJSON(["--pool", "mixed:dgx-h100=2", "--seeds", "1", "--duration", "60", "--also-without-borrowing"])
        #expect(mixed["borrowing"] as? Bool == false && mixed["simulatedWithoutBorrowing"] is NSNull)
        #expect(mixed["predictionErrorWithoutBorrowingPercent"] is NSNull)
    }

    /// The bracket's ends, simulated directly: the capacity meets every SLO and the failing rate does not.
    @Test func capacityBracketsTheSLOBoundary() throws {
        let json = try capacityJSON(["--pool", "mixed:dgx-h100=2", "--seeds", "1", "--duration", "120"])
        let seed = try #require(((json["simulated"] as? [String: Any])?["seeds"] as? [[String: Any]])?.first)
        let passing = try #require(seed["passingRequestsPerSecond"] as? Double), failing = try #require(seed["failingRequestsPerSecond"] as? Double)
        func simulate(_ rate: Double) -> Int32 {
            SplitPlanCommand.run(quietly: ["simulate", "--pool", "mixed:dgx-h100=2", "--duration", "120", "--seed", "1", "--rate", String(rate),
                                             "--format", "json", "--output", (try? scratchFile("s.json")) ?? "/dev/null", "--force"] + catalog)
        }
        #expect(simulate(passing) == 0)
        #expect(simulate(failing) == 2)
    }

    @Test func needsAClusterAndSaneSettings() {
        #expect(SplitPlanCommand.run(quietly: ["capacity"] + catalog) == 64)
        #expect(SplitPlanCommand.run(quietly: ["capacity", "--pool", "mixed:dgx-h100=2", "--seeds", "0"] + catalog) == 64)
        #expect(SplitPlanCommand.run(quietly: ["capacity", "--pool", "mixed:dgx-h100=2", "--tolerance", "2"] + catalog) == 64)
        #expect(SplitPlanCommand.run(quietly: ["capacity", "--pool", "mixed:tpu=2"] + catalog) == 65)
        #expect(SplitPlanCommand.run(quietly: ["capacity", "--pool", "mixed:dgx-h100=2", "--no-borrowing", "--also-without-borrowing"] + catalog) == 64)
    }
}
