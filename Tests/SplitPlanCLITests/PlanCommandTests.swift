import Foundation
import SplitPlanCLI
import Testing

@Suite(.serialized) struct PlanCommandTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    func planJSON(_ arguments: [String], status expected: Int32 = 0) throws -> [String: Any] {
        let output = try scratchFile("plan.json")
        let status = SplitPlanCommand.run(arguments: ["plan"] + arguments + ["--format", "json", "--output", output] + catalog)
        #expect(status == expected)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
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

    @Test func infeasibleExitsTwoWithARelaxation() throws {
        let json = try planJSON(["--design", "splitwise-hh", "--cost-cap", "100"], status: 2)
        #expect(json["feasible"] as? Bool == false)
        let relaxation = try #require(json["relaxation"] as? [String: Any])
        #expect((relaxation["costPerHourUSD"] as? Double ?? 0) > 100)
    }

    @Test(arguments: [["--design", "splitwise-xx"], ["--cost-cap=-5"], ["--power-cap=0"], ["--model", "gpt-9"], ["--rate=-1"]])
    func badQuestionsExit65(arguments: [String]) {
        #expect(SplitPlanCommand.run(arguments: ["plan"] + arguments + catalog) == 65)
    }

    @Test func sameScenarioGivesIdenticalBytes() throws {
        let outputs = [try scratchFile("a.json"), try scratchFile("b.json")]
        for output in outputs {
            #expect(SplitPlanCommand.run(arguments: ["plan", "--no-timings", "--format", "json", "--output", output] + catalog) == 0)
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
