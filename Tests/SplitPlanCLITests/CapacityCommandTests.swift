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
    }
}
