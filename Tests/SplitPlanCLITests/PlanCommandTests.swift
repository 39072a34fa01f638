import Foundation
import SplitPlanCLI
import Testing

@Suite(.serialized) struct PlanCommandTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    func planJSON(_ arguments: [String], status expected: Int32 = 0) throws -> [String: Any] {
        let output = try scratchFile("plan.json")
        let status = SplitPlanCommand.run(quietly: ["plan"] + arguments + ["--format", "json", "--output", output] + catalog)
        #expect(status == expected)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Design auto weighs mixed against split pools at any fleet size: 100,000 req/s (about 34,000
    /// machines) plans, about ten times the fleet for 10,000 req/s (queueing caps are at their limit at
    /// such sizes), and so does one design alone.
    @Test func fleetsOfTensOfThousandsPlan() throws {
        for design in [[], ["--design", "baseline-h100"]] {
            var machines: [Double: Int] = [:]
            for rate in [10_000.0, 100_000] {
                let pools = try #require(try planJSON(["--rate", String(rate)] + design)["pools"] as? [[String: Any]])
                machines[rate] = pools.compactMap { $0["count"] as? Int }.reduce(0, +)
            }
            let ratio = Double(machines[100_000] ?? 0) / Double(max(machines[10_000] ?? 1, 1))
            #expect(ratio > 9.5 && ratio < 10.5, "\(design): \(machines)")
        }
    }

    @Test func defaultScenarioPlansWithTheDocumentedKeys() throws {
        let json = try planJSON([])
        for key in ["feasible", "design", "objective", "pools", "costPerHourUSD", "powerKW", "requestsPerSecond", "solver"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["feasible"] as? Bool == true)
        let pools = try #require(json["pools"] as? [[String: Any]])
        for pool in pools {
            for key in ["role", "machine", "count", "powerCap"] { #expect(pool[key] != nil) }
        }
        let solver = try #require(json["solver"] as? [String: Any])
        for key in ["status", "seconds", "gap", "objectiveValue"] { #expect(solver.keys.contains(key)) }
        #expect(solver["status"] as? String == "optimal")
    }

    /// The scenario's prompt token budget reaches the planner: split prompt machines that may batch only
    /// 256 tokens prefill the quick-start's prompts (median 1020 tokens) one at a time, so the same
    /// Splitwise-HH pools sustain a lower rate than with Splitwise's 2048 (22.9 against 23.9 req/s).
    @Test func promptTokenBudgetReachesThePlanner() throws {
        func promptMachines(budget: Int?) throws -> (count: Int, sustainable: Double) {
            var scenario = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: Repository.path("Scenarios/quickstart.json")))) as? [String: Any])
            var workload = try #require(scenario["workload"] as? [String: Any])
            for key in ["promptTokens", "outputTokens"] {
                var sizes = try #require(workload[key] as? [String: Any])
                sizes["file"] = Repository.path("Scenarios/traces/conversation.csv")
                workload[key] = sizes
            }
            scenario["workload"] = workload
            scenario.removeValue(forKey: "expect")
            if let budget { scenario["scheduler"] = ["promptTokenBudget": budget] }
            let text = String(decoding: try JSONSerialization.data(withJSONObject: scenario), as: UTF8.self)
            let file = try scratchFile("budget-\(budget ?? 0).json", text)
            let plan = try planJSON([file, "--design", "splitwise-hh"])
            let pools = try #require(plan["pools"] as? [[String: Any]])
            let count = pools.filter { $0["role"] as? String == "prompt" }.reduce(0) { $0 + ($1["count"] as? Int ?? 0) }
            return (count, plan["sustainableRequestsPerSecond"] as? Double ?? 0)
        }
        let wide = try promptMachines(budget: nil), narrow = try promptMachines(budget: 256)
        #expect(wide.count > 0 && narrow.count >= wide.count, "\(narrow.count) prompt machines at 256 tokens, \(wide.count) at 2048")
        #expect(narrow.count > wide.count || narrow.sustainable < wide.sustainable * 0.99, "\(narrow) against \(wide)")
    }

    /// max-throughput with no cap has no answer: the report says a cap is missing, not "infeasible at any rate".
    @Test func maxThroughputWithoutACapSaysWhatIsMissing() throws {
        let output = try scratchFile("plan.txt")
        #expect(SplitPlanCommand.run(quietly: ["plan", "--objective", "max-throughput", "--output", output] + catalog) == 2)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("NO ANSWER: the question needs a cap") && text.contains("--cost-cap") && !text.contains("at any rate"))
    }

    @Test func infeasibleExitsTwoWithARelaxation() throws {
        let json = try planJSON(["--design", "splitwise-hh", "--cost-cap", "100"], status: 2)
        #expect(json["feasible"] as? Bool == false)
        let relaxation = try #require(json["relaxation"] as? [String: Any])
        #expect((relaxation["costPerHourUSD"] as? Double ?? 0) > 100)
    }

    @Test(arguments: [["--cost-cap=-5"], ["--power-cap=0"], ["--model", "gpt-9"], ["--rate=-1"], ["--machines", "tpu-v9"]])
    func badQuestionsExit65(arguments: [String]) {
        #expect(SplitPlanCommand.run(quietly: ["plan"] + arguments + catalog) == 65)
    }

    /// An unknown design is a usage mistake (sysexits 64), as in compare and sweep.
    @Test(arguments: ["plan", "compare", "sweep"])
    func anUnknownDesignExits64(command: String) {
        let extra = command == "sweep" ? ["--rate", "1...10"] : []
        #expect(SplitPlanCommand.run(quietly: [command, "--designs", "splitwise-xx"] + extra + catalog) == 64)
        #expect(SplitPlanCommand.run(quietly: [command, "--design", "splitwise-xx"] + extra + catalog) == 64)
    }

    /// `--designs` with several designs plans each and reports the best; `--machines` narrows the
    /// candidates, so a design whose machines are left out cannot be planned.
    @Test func designsAndMachinesNarrowThePlan() throws {
        let json = try planJSON(["--designs", "baseline-h100,splitwise-hh", "--machines", "dgx-h100"])
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        #expect(Set([json["design"] as? String] + alternatives.map { $0["design"] as? String }) == ["baseline-h100", "splitwise-hh"])
        let pools = try #require(json["pools"] as? [[String: Any]])
        #expect(pools.allSatisfy { $0["machine"] as? String == "dgx-h100" })
        // A design named twice is planned once.
        let twice = try planJSON(["--designs", "baseline-h100,baseline-h100"])
        #expect((twice["alternatives"] as? [Any])?.isEmpty == true)
    }

    @Test func sameScenarioGivesIdenticalBytes() throws {
        let outputs = [try scratchFile("a.json"), try scratchFile("b.json")]
        for output in outputs {
            #expect(SplitPlanCommand.run(quietly: ["plan", "--no-timings", "--format", "json", "--output", output] + catalog) == 0)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: outputs[0])) == Data(contentsOf: URL(fileURLWithPath: outputs[1])))
    }

    /// The model written by --emit-lp solves with the stock glpsol to the objective GLPK reached here.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/glpsol")))
    func emittedLPSolvesToTheSameObjective() throws {
        let lp = try scratchFile("model.lp")
        let json = try planJSON(["--design", "splitwise-hh", "--emit-lp", lp])
        let solution = lp + ".sol"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/glpsol")
        process.arguments = ["--lp", lp, "-o", solution]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = try String(contentsOfFile: solution, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Objective:") })
        let value = try #require(Double(line.split(separator: "=")[1].split(separator: " ")[0]))
        let objective = try #require((json["solver"] as? [String: Any])?["objectiveValue"] as? Double)
        #expect(abs(value - objective) <= 1e-6 * max(1, abs(objective)))
    }

    @Test func everyShippedScenarioPlans() throws {
        let directory = URL(fileURLWithPath: Repository.path("Scenarios"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 9)
        for file in files {
            let json = try planJSON([directory.appendingPathComponent(file).path])
            #expect(json["feasible"] as? Bool == true, "\(file)")
        }
    }
}
