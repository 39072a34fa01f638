import ClusterModel
import Foundation
import SplitPlanCLI
import Testing

/// Input that `validate` accepts must never trap: each case once crashed a command.
@Suite(.serialized) struct RobustnessTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    /// A lognormal with the largest sigma allowed (10) draws values beyond any Int; plan and simulate clamp them.
    @Test func widestLognormalPlansAndSimulates() throws {
        let scenario = try scratchFile("wide.json", """
            {"schemaVersion": 1, "model": "llama2-70b",
             "workload": {"arrivals": {"process": "poisson", "ratePerSecond": 2},
                          "promptTokens": {"distribution": "lognormal", "medianTokens": 1000, "sigma": 10},
                          "outputTokens": {"distribution": "lognormal", "medianTokens": 100, "sigma": 10},
                          "durationSeconds": 30},
             "slo": {"ttft": {"p99": {"seconds": 600}}}, "designs": ["splitwise-hh"]}
            """)
        #expect(SplitPlanCommand.run(quietly: ["validate", scenario] + catalog) == 0)
        #expect([0, 2].contains(SplitPlanCommand.run(quietly: ["plan", scenario, "--output", try scratchFile("p.txt")] + catalog)))
        #expect([0, 2].contains(SplitPlanCommand.run(quietly: ["simulate", scenario, "--pool", "prompt:dgx-h100=1", "--pool", "token:dgx-h100=1",
                                                                 "--output", try scratchFile("s.txt")] + catalog)))
    }

    /// A compute efficiency of 1e-20 (inside the allowed (0, 1]) makes prefills take 1e20 s; the mixed-pool
    /// model must neither trap nor hang on them.
    @Test func absurdlySlowMachineDoesNotTrap() throws {
        let directory = URL(fileURLWithPath: try scratchFile("catalog"))
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Repository.path("Catalog")), to: directory)
        let machine = directory.appendingPathComponent("machines/dgx-h100.json")
        let text = try String(contentsOf: machine, encoding: .utf8)
        let slowed = text.replacingOccurrences(of: #""computeEfficiency": [0-9.e-]+"#, with: #""computeEfficiency": 1e-20"#, options: .regularExpression)
        #expect(slowed != text)
        try Data(slowed.utf8).write(to: machine)
        let status = SplitPlanCommand.run(quietly: ["plan", "--design", "baseline-h100", "--catalog", directory.path, "--output", try scratchFile("p.txt")])
        #expect([0, 2].contains(status))
    }

    /// Arrivals that would not fit in memory are refused before any is generated, with what to do instead.
    @Test(arguments: [["--duration", "1e9"], ["--rate", "1e12"], ["--rate", "1", "--duration", "31536000"], ["--rate", "10000", "--duration", "600"]])
    func runawaySimulationsAreRefusedUpFront(arguments: [String]) throws {
        let output = try scratchFile("s.txt")
        #expect(SplitPlanCommand.run(quietly: ["simulate", "--pool", "mixed:dgx-h100=2", "--output", output] + arguments + catalog) == 65)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// A trace replay is held to the same ceiling once its size is known.
    @Test func traceReplaysObeyTheCeiling() throws {
        let trace = try scratchFile("t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n" + (0..<50).map { "\($0),100,10\n" }.joined())
        let arguments = ["simulate", "--pool", "mixed:dgx-h100=1", "--trace", trace, "--output", try scratchFile("s.txt")] + catalog
        #expect(SplitPlanCommand.run(quietly: arguments + ["--max-requests", "49"]) == 65)
        #expect([0, 2].contains(SplitPlanCommand.run(quietly: arguments + ["--max-requests", "50"])))
    }

    @Test func maxRequestsRaisesOrLowersTheCeiling() throws {
        let arguments = ["simulate", "--pool", "mixed:dgx-h100=2", "--rate", "10", "--duration", "60", "--output", try scratchFile("s.txt")] + catalog
        #expect(SplitPlanCommand.run(quietly: arguments + ["--max-requests", "100"]) == 65)
        #expect([0, 2].contains(SplitPlanCommand.run(quietly: arguments + ["--max-requests", "1000", "--force"])))
    }

    /// A cluster that completes nothing has no percentile to report: JSON says null (not a raw encoding
    /// error), the SLOs are missed (exit 2) and the drops say why.
    @Test func nothingCompletedIsNullNotAnEncodingError() throws {
        let output = try scratchFile("tokens.json")
        #expect(SplitPlanCommand.run(quietly: ["simulate", "--pool", "token:dgx-h100=2", "--duration", "30", "--format", "json", "--output", output] + catalog) == 2)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let checks = try #require(json["slo"] as? [[String: Any]])
        #expect(!checks.isEmpty && checks.allSatisfy { $0["achieved"] is NSNull && $0["met"] as? Bool == false })
        #expect((json["dropReasons"] as? [String: Int])?["the cluster has no prompt or mixed machine"] == json["requests"] as? Int)
    }

    /// Requests longer than any candidate machine's KV cache (2M tokens; a DGX-H100 holds about 1.4M of
    /// Llama2-70B) are named, not planned as "feasible at 0 req/s";
    /// a design listed twice is planned once.
    @Test func requestsNoMachineCanHoldAreNamed() throws {
        let scenario = try scratchFile("long.json", """
            {"schemaVersion": 1, "model": "llama2-70b",
             "workload": {"arrivals": {"process": "poisson", "ratePerSecond": 2},
                          "promptTokens": {"distribution": "fixed", "tokens": 1000000},
                          "outputTokens": {"distribution": "fixed", "tokens": 1000000}, "durationSeconds": 30},
             "slo": {"ttft": {"p99": {"seconds": 600}}}, "designs": ["auto", "auto"], "machines": ["dgx-a100", "dgx-h100"]}
            """)
        #expect(SplitPlanCommand.run(quietly: ["plan", scenario, "--output", try scratchFile("p.txt")] + catalog) == 65)
        let loaded = try Scenario.load(URL(fileURLWithPath: scenario))
        #expect(loaded.designs == [.auto])
    }

    /// A solver stopped by its time limit is its own outcome (exit 3, said so), not "infeasible".
    @Test func timeLimitIsNotInfeasible() throws {
        let output = try scratchFile("plan.txt")
        #expect(SplitPlanCommand.run(quietly: ["plan", "--time-limit", "0.001", "--output", output] + catalog) == 3)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("STOPPED AT THE TIME LIMIT") && text.contains("raise --time-limit") && !text.contains("INFEASIBLE"))
    }

    /// `--time-limit` bounds the whole run: a simulation of 1.5 million requests (several seconds at any
    /// speed this code reaches) stops at 0.2 s, exits 3, says what to do and writes no report.
    @Test func timeLimitStopsALongSimulation() throws {
        let output = try scratchFile("s.txt")
        #expect(SplitPlanCommand.run(quietly: ["simulate", "--pool", "mixed:dgx-h100=40", "--rate", "100", "--duration", "15000",
                                                 "--time-limit", "0.2", "--output", output] + catalog) == 3)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// `check` says STOPPED (exit 3), not INVALID or FAIL, when the run's limit cuts a check short.
    @Test func checkStoppedByTheTimeLimitSaysSo() throws {
        let output = try scratchFile("check.txt")
        let scenario = Repository.path("Scenarios/quickstart.json")
        #expect(SplitPlanCommand.run(quietly: ["check", scenario, "--time-limit", "0.001", "--output", output] + catalog) == 3)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("STOPPED") && text.contains("raise --time-limit") && !text.contains("INVALID"))
    }

    /// CLI numbers are checked like their JSON twins: a rate of 1e-300 is bad input, not a GLPK scaling dump.
    @Test func rateIsRangeCheckedOnTheCommandLine() throws {
        #expect(SplitPlanCommand.run(quietly: ["plan", "--rate=1e-300", "--output", try scratchFile("p.txt")] + catalog) == 65)
        #expect(SplitPlanCommand.run(quietly: ["simulate", "--pool", "mixed:dgx-h100=1", "--rate=1e-300", "--output", try scratchFile("s.txt")] + catalog) == 65)
    }

    /// A rate beyond the largest fleet the program considers says so, instead of "misses them even when idle".
    @Test func aRateBeyondAnyFleetIsNamed() throws {
        let output = try scratchFile("plan.txt")
        #expect(SplitPlanCommand.run(quietly: ["plan", "--rate", "1000000", "--design", "splitwise-hh", "--verify", "--output", output] + catalog) == 2)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("needs more than 100000 machines in a pool") && !text.contains("even when idle"))
    }

    /// A scenario read from a FIFO (a pipe, as from a process substitution) is read, not refused for "permission".
    @Test func aScenarioFromAFIFOIsRead() throws {
        let fifo = try scratchFile("scenario.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = """
            {"schemaVersion": 1, "model": "llama2-70b",
             "workload": {"arrivals": {"process": "poisson", "ratePerSecond": 2},
                          "promptTokens": {"distribution": "fixed", "tokens": 1000},
                          "outputTokens": {"distribution": "fixed", "tokens": 100}, "durationSeconds": 30}}
            """
        let writer = Thread { FileHandle(forWritingAtPath: fifo)?.write(Data(text.utf8)) }
        writer.start()
        #expect(SplitPlanCommand.run(quietly: ["validate", fifo] + catalog) == 0)
    }
}
