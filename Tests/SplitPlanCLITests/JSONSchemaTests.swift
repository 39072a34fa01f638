import Foundation
import SplitPlanCLI
import Testing

/// Every command's JSON output has the shape its schema in docs/schemas/ documents: runs that exercise
/// the nullable parts (an infeasible plan, a verified one, a cluster that misses its SLOs, a what-if
/// variant, an invalid scenario) are checked key by key.
@Suite(.serialized) struct JSONSchemaTests {
    let catalog = ["--catalog", Repository.path("Catalog")]
    static let coding = Repository.path("Scenarios/splitwise-coding-llama2-70b-iso-power.json")

    static let runs: [(schema: String, arguments: [String])] = [
        ("plan", ["plan"]), ("plan", ["plan", "--design", "splitwise-hh", "--cost-cap", "100"]),
        ("plan", ["plan", coding, "--design", "splitwise-hh", "--verify"]),
        ("simulate", ["simulate", "--pool", "prompt:dgx-h100=5", "--pool", "token:dgx-h100=4", "--duration", "30"]),
        ("simulate", ["simulate", "--pool", "token:dgx-h100=4", "--duration", "10"]),
        ("capacity", ["capacity", "--pool", "prompt:dgx-h100=5", "--pool", "token:dgx-h100=4", "--seeds", "1", "--duration", "30"]),
        ("compare", ["compare", coding, "--designs", "splitwise-hh,baseline-h100", "--duration", "20"]),
        ("compare", ["compare", "--designs", "baseline-h100", "--set", "machine.dgx-h100.pricePerHourUSD=26.6", "--duration", "0"]),
        ("sweep", ["sweep", coding, "--power-cap", "100...400", "--steps", "3", "--designs", "splitwise-hh,baseline-h100"]),
        ("check", ["check", Repository.path("Scenarios/quickstart.json")]),
        ("schedule", ["schedule", "--designs", "splitwise-hh,baseline-h100"]),
        ("schedule", ["schedule", "--design", "splitwise-hh", "--verify", "--duration", "30"]),
        ("schedule", ["schedule", "--design", "splitwise-hh", "--cost-cap", "100"]),
        ("catalog", ["catalog"]), ("catalog-show", ["catalog", "show", "dgx-h100"]), ("catalog-show", ["catalog", "show", "llama2-70b"]),
        ("perf", ["perf", "--model", "llama2-70b", "--machine", "dgx-h100", "--batch", "4"]),
        ("perf", ["perf", "--model", "bloom-176b", "--machine", "dgx-a100"]),
        ("calibrate", ["calibrate", "--profile", Repository.path("Tests/Fixtures/llama2-70b-vllm-a100-h100.csv")]),
        ("capacity", ["capacity", "--pool", "prompt:dgx-h100=5", "--pool", "token:dgx-h100=4", "--seeds", "1", "--duration", "30",
                      "--also-without-borrowing"]),
        ("capacity", ["capacity", "--pool", "prompt:dgx-h100=2", "--pool", "token:dgx-h100=2", "--seeds", "1", "--duration", "30",
                      "--overload"]),
    ]

    @Test(arguments: runs.indices)
    func outputMatchesItsSchema(index: Int) throws {
        let (name, arguments) = Self.runs[index]
        let output = try scratchFile("\(name).json")
        let status = SplitPlanCommand.run(quietly: arguments + ["--format", "json", "--output", output] + catalog)
        #expect([0, 2].contains(status), "\(arguments): exit \(status)")
        let schema = try JSONSchemaCheck(schemaFile: Repository.root.appendingPathComponent("docs/schemas/\(name).schema.json"))
        let violations = try schema.violations(of: Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(violations.isEmpty, "\(arguments):\n\(violations.prefix(10).joined(separator: "\n"))")
    }

    /// The checker finds what it should: a missing key, an extra key, a wrong type, a null where none is allowed.
    @Test func theCheckerCatchesDeviations() throws {
        let schema = try JSONSchemaCheck(schemaFile: Repository.root.appendingPathComponent("docs/schemas/sweep.schema.json"))
        let output = try scratchFile("sweep.json")
        #expect(SplitPlanCommand.run(quietly: Self.runs[8].arguments + ["--format", "json", "--output", output] + catalog) == 0)
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        document["surprise"] = 1
        var points = try #require(document["points"] as? [[String: Any]])
        points[0]["feasible"] = "yes"
        points[1]["requestsPerSecond"] = NSNull()
        points[2].removeValue(forKey: "pools")
        document["points"] = points
        let violations = try schema.violations(of: JSONSerialization.data(withJSONObject: document))
        #expect(violations.contains { $0.contains("key \"surprise\" is not in the schema") })
        #expect(violations.contains { $0.contains("$.points[0].feasible: string") })
        #expect(violations.contains { $0.contains("$.points[1].requestsPerSecond: null") })
        #expect(violations.contains { $0.contains("$.points[2]: required key \"pools\" is missing") })
    }
}
