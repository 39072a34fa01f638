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
        #expect(SplitPlanCommand.run(arguments: ["validate", scenario] + catalog) == 0)
        #expect([0, 2].contains(SplitPlanCommand.run(arguments: ["plan", scenario, "--output", try scratchFile("p.txt")] + catalog)))
        #expect([0, 2].contains(SplitPlanCommand.run(arguments: ["simulate", scenario, "--pool", "prompt:dgx-h100=1", "--pool", "token:dgx-h100=1",
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
        let status = SplitPlanCommand.run(arguments: ["plan", "--design", "baseline-h100", "--catalog", directory.path, "--output", try scratchFile("p.txt")])
        #expect([0, 2].contains(status))
    }
}
