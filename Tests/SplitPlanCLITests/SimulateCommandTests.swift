import Foundation
import SplitPlanCLI
import Testing

@Suite(.serialized) struct SimulateCommandTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    func simulateJSON(_ arguments: [String], status expected: Int32 = 0) throws -> (json: [String: Any], bytes: Data) {
        let output = try scratchFile("simulation.json")
        #expect(SplitPlanCommand.run(quietly: ["simulate"] + arguments + ["--format", "json", "--no-timings", "--output", output] + catalog) == expected)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        return (try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]), data)
    }

    @Test func jsonHasTheDocumentedFiguresAndIsReproducible() throws {
        let arguments = ["--pool", "prompt:dgx-h100=5", "--pool", "token:dgx-h100=4", "--duration", "120", "--seed", "9"]
        let first = try simulateJSON(arguments), second = try simulateJSON(arguments)
        #expect(first.bytes == second.bytes)
        let json = first.json
        for key in ["requests", "completed", "ttft", "tbt", "e2e", "slowdown", "sloMet", "completedRequestsPerSecond", "completedRequestsPerSecondWithDrain", "energyKWh", "events", "wallSeconds"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        // 10 % to 90 % of the 120 s of arrivals.
        #expect(json["measurementWindow"] as? [String: Double] == ["startSeconds": 12, "endSeconds": 108])
        for metric in ["ttft", "tbt", "e2e"] {
            let percentiles = try #require(json[metric] as? [String: Double])
            #expect(Set(percentiles.keys) == ["p50", "p90", "p99"] && percentiles["p50"] ?? 0 <= percentiles["p99"] ?? 0)
        }
        let slowdown = try #require(json["slowdown"] as? [String: [String: Double]])
        #expect(Set(slowdown.keys) == ["ttft", "tbt", "e2e"])
        #expect(json["requests"] as? Int == json["completed"] as? Int)
        let otherSeed = try simulateJSON(["--pool", "prompt:dgx-h100=5", "--pool", "token:dgx-h100=4", "--duration", "120", "--seed", "10"])
        #expect(otherSeed.bytes != first.bytes)
    }

    /// The text report says what a slowdown is measured against, and shows the run's preemptions and
    /// borrowing; the JSON has their keys.
    @Test func textExplainsSlowdownsAndShowsPreemptionsAndBorrowing() throws {
        let output = try scratchFile("simulation.txt")
        let arguments = ["simulate", "--pool", "prompt:dgx-h100=2", "--pool", "token:dgx-h100=2", "--rate", "40", "--duration", "60", "--output", output]
        _ = SplitPlanCommand.run(quietly: arguments + catalog)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("latency alone on a dgx-a100") && text.contains("KV preemptions:") && text.contains("machines borrowed into it"))
        let json = try simulateJSON(Array(arguments.dropFirst().dropLast(2)), status: 2).json
        for key in ["preemptions", "preemptedRequests", "mixedRoutedRequests"] { #expect(json[key] != nil, "missing \(key)") }
        let pools = try #require(json["pools"] as? [[String: Any]])
        #expect(pools.allSatisfy { $0["borrowedShare"] != nil && $0["borrowings"] != nil })
        #expect((pools.first { $0["role"] as? String == "token" }?["borrowings"] as? Int ?? 0) > 0)
    }

    @Test func anUnderProvisionedClusterMissesItsSLOsWithExit2() throws {
        let json = try simulateJSON(["--pool", "mixed:dgx-a100=2", "--duration", "60"], status: 2).json
        #expect(json["sloMet"] as? Bool == false)
    }

    @Test func planThenSimulateThePlan() throws {
        let plan = try scratchFile("plan.json")
        #expect(SplitPlanCommand.run(quietly: ["plan", "--design", "splitwise-hh", "--format", "json", "--output", plan] + catalog) == 0)
        let json = try simulateJSON(["--plan", plan, "--duration", "120"]).json
        #expect((json["completed"] as? Int ?? 0) > 0)
    }

    /// The verified cluster meets every SLO, and the search saw each of its pools fail with one machine fewer.
    @Test func verifyConvergesOnAMinimalVerifiedCluster() throws {
        let output = try scratchFile("verified.json")
        #expect(SplitPlanCommand.run(quietly: ["plan", "--verify", "--design", "splitwise-hh", "--format", "json", "--output", output] + catalog) == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let verification = try #require(json["verification"] as? [String: Any])
        #expect(verification["verified"] as? Bool == true)
        let final = try #require(verification["final"] as? [String: Any])
        #expect((final["simulated"] as? [String: Any])?["sloMet"] as? Bool == true)
        func pools(_ round: [String: Any]) -> [String: Int] {
            let list = ((round["plan"] as? [String: Any])?["pools"] as? [[String: Any]]) ?? []
            return Dictionary(list.map { ("\($0["role"] ?? ""):\($0["machine"] ?? "")@\($0["powerCap"] ?? "")", $0["count"] as? Int ?? 0) },
                              uniquingKeysWith: +)
        }
        let verified = pools(final)
        let rounds = try #require(verification["rounds"] as? [[String: Any]])
        for (pool, count) in verified where count > 1 {
            var fewer = verified
            fewer[pool] = count - 1
            let failed = rounds.contains { pools($0) == fewer && ($0["simulated"] as? [String: Any])?["sloMet"] as? Bool == false }
            #expect(failed, "removing one machine from \(pool) should have been simulated and missed an SLO")
        }
        // The plan the command reports is the verified one.
        #expect(pools(["plan": json]) == verified)
    }

    static let badInputs: [[String]] = [
        ["--pool", "prompt:tpu-v9=3"],
        ["--pool", "prompt:dgx-h100"],
        ["--pool", "leader:dgx-h100=3"],
        ["--pool", "token:dgx-a100@0.7=3"],
        ["--pool", "prompt:dgx-h100=0"],
        ["--pool", "mixed:dgx-h100=2", "--rate=-4"],
    ]

    /// sysexits EX_NOINPUT: a file named on the command line that does not exist.
    @Test func aMissingTraceExits66() {
        #expect(SplitPlanCommand.run(quietly: ["simulate", "--pool", "mixed:dgx-h100=2", "--trace", "/nonexistent.csv"] + catalog) == 66)
    }

    @Test(arguments: badInputs)
    func badInputExits65(arguments: [String]) {
        #expect(SplitPlanCommand.run(quietly: ["simulate"] + arguments + catalog) == 65)
    }

    @Test func badTracesAndForeignPlansExit65() throws {
        let missingColumn = try scratchFile("trace.csv", "TIMESTAMP,ContextTokens\n0,10\n")
        let negative = try scratchFile("negative.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n0,-10,5\n")
        for trace in [missingColumn, negative] {
            #expect(SplitPlanCommand.run(quietly: ["simulate", "--pool", "mixed:dgx-h100=2", "--trace", trace] + catalog) == 65)
        }
        let plan = try scratchFile("foreign.json")
        let other = Repository.path("Scenarios/splitwise-coding-llama2-70b-iso-power.json")
        #expect(SplitPlanCommand.run(quietly: ["plan", other, "--design", "splitwise-hh", "--format", "json", "--output", plan] + catalog) == 0)
        #expect(SplitPlanCommand.run(quietly: ["simulate", "--plan", plan] + catalog) == 65)
    }

    @Test func clusterMustBeGiven() {
        #expect(SplitPlanCommand.run(quietly: ["simulate"] + catalog) == 64)
    }
}
