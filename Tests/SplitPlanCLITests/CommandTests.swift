import Foundation
import SplitPlanCLI
import Testing

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

/// The tables of a CSV report: each section's `# title` and its lines (header first), the provenance last.
func csvSections(_ text: String) -> [(title: String, lines: [String])] {
    var sections: [(title: String, lines: [String])] = []
    for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
        if line.hasPrefix("# ") { sections.append((String(line.dropFirst(2)), [])) } else if !sections.isEmpty { sections[sections.count - 1].lines.append(line) }
    }
    return sections
}

func scratchFile(_ name: String, _ text: String? = nil) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    if let text { try Data(text.utf8).write(to: url) }
    return url.path
}

@Suite(.serialized) struct CommandTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    @Test func perfJSONHasTheDocumentedFigures() throws {
        let output = try scratchFile("perf.json")
        let status = SplitPlanCommand.run(quietly: ["perf", "--model", "llama2-70b", "--machine", "dgx-h100", "--prompt-tokens", "1024",
                                                      "--batch", "4", "--context", "1500", "--format", "json", "--output", output] + catalog)
        #expect(status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        for key in ["prefillSeconds", "decodeStepSeconds", "prefillTokensPerSecond", "decodeTokensPerSecond", "maxBatch", "kvBytesPerToken"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["kvBytesPerToken"] as? Double == 327_680)
        let power = try #require(json["powerKW"] as? [String: Double])
        #expect(Set(power.keys).isSuperset(of: ["prompt", "token", "idle"]))
        // 4 prompts of 1024 tokens per prefill: tokens/s = 4096 / prefillSeconds.
        let prefill = try #require(json["prefillSeconds"] as? Double), rate = try #require(json["prefillTokensPerSecond"] as? Double)
        #expect(abs(rate - 4096 / prefill) < 1e-6 * rate)
    }

    @Test func outputIsNeverOverwrittenWithoutForce() throws {
        let output = try scratchFile("mine.json", "precious")
        let arguments = ["perf", "--model", "llama2-70b", "--machine", "dgx-a100", "--batch", "1", "--output", output] + catalog
        #expect(SplitPlanCommand.run(quietly: arguments) == 64)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "precious")
        #expect(SplitPlanCommand.run(quietly: arguments + ["--force"]) == 0)
    }

    @Test func sameInputsGiveIdenticalBytes() throws {
        let first = try scratchFile("a.json"), second = try scratchFile("b.json")
        for output in [first, second] {
            #expect(SplitPlanCommand.run(quietly: ["perf", "--model", "bloom-176b", "--machine", "dgx-a100", "--format", "json", "--output", output] + catalog) == 0)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
    }

    static let exitCases: [([String], Int32)] = [
        (["perf", "--model", "gpt-9", "--machine", "dgx-a100"], 65),
        (["perf", "--model", "llama2-70b", "--machine", "dgx-a100", "--tp", "3"], 65),
        (["perf", "--model", "llama2-70b", "--machine", "dgx-a100", "--tp", "1"], 65),
        (["perf", "--model", "llama2-70b", "--machine", "dgx-a100", "--power-cap-fraction", "0.7"], 65),
        (["perf", "--model", "llama2-70b", "--machine", "dgx-h100", "--power-cap", "0.7"], 64),
        (["perf", "--model", "llama2-70b", "--machine", "dgx-a100", "--batch", "0"], 64),
        (["perf", "--model", "llama2-70b"], 64),
        (["catalog", "show", "tpu-v9"], 64),
        (["frobnicate"], 64),
        (["calibrate", "--profile", "/nonexistent/profile.csv"], 66),
        (["validate", "/nonexistent/scenario.json"], 66),
        (["plan", "/nonexistent/scenario.json"], 66),
        (["check", "/nonexistent/scenarios"], 66),
    ]

    @Test(arguments: exitCases)
    func exitCodes(arguments: [String], expected: Int32) {
        #expect(SplitPlanCommand.run(quietly: arguments + catalog) == expected)
    }

    @Test func validateAcceptsTheShippedScenariosAndCatalogue() {
        #expect(SplitPlanCommand.run(quietly: ["validate", Repository.path("Scenarios"), Repository.path("Catalog")]) == 0)
    }

    @Test func validateRejectsABadScenarioWithExit65() throws {
        let file = try scratchFile("bad.json", #"{"schemaVersion": 1, "model": "llama2-70b", "workload": {"arrivals": {"process": "poisson", "ratePerSecond": -1}}}"#)
        #expect(SplitPlanCommand.run(quietly: ["validate", file] + catalog) == 65)
    }

    @Test func aModelThatFitsNoCandidateMachineIsBadInput() throws {
        let trace = try scratchFile("t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n0,10,10\n")
        let file = URL(fileURLWithPath: trace).deletingLastPathComponent().appendingPathComponent("s.json").path
        try Data(#"{"schemaVersion": 1, "model": "bloom-176b", "machines": ["l40s-8x"], "workload": {"trace": {"file": "t.csv"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        #expect(SplitPlanCommand.run(quietly: ["validate", file] + catalog) == 65)
    }

    @Test func anUnsupportedTensorParallelDegreeIsBadInput() throws {
        let trace = try scratchFile("t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n0,10,10\n")
        let file = URL(fileURLWithPath: trace).deletingLastPathComponent().appendingPathComponent("s.json").path
        try Data(#"{"schemaVersion": 1, "model": "llama2-70b", "tensorParallel": 3, "workload": {"trace": {"file": "t.csv"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        #expect(SplitPlanCommand.run(quietly: ["validate", file] + catalog) == 65)
    }

    @Test func catalogListsAndShowsEntries() {
        #expect(SplitPlanCommand.run(quietly: ["catalog"] + catalog) == 0)
        #expect(SplitPlanCommand.run(quietly: ["catalog", "show", "llama2-70b"] + catalog) == 0)
    }

    /// A user's own catalogue directory with a broken file is reported, not crashed on.
    @Test func brokenUserCatalogue() throws {
        let root = URL(fileURLWithPath: try scratchFile("catalog")).appendingPathComponent("x").deletingLastPathComponent()
        for kind in ["gpus", "machines", "models"] {
            let source = URL(fileURLWithPath: Repository.path("Catalog/\(kind)"))
            try FileManager.default.copyItem(at: source, to: root.appendingPathComponent(kind))
        }
        let gpuFile = root.appendingPathComponent("gpus/h100-80gb.json")
        let text = try String(contentsOf: gpuFile, encoding: .utf8).replacingOccurrences(of: "\"tdpWatts\": 700", with: "\"tdpWatts\": \"seven hundred\"")
        try Data(text.utf8).write(to: gpuFile)
        #expect(SplitPlanCommand.run(quietly: ["catalog", "--catalog", root.path]) == 65)
    }
}

import Reporting

/// Reporting's escaping, reached from the command tests' target.
enum JUnitXMLProbe {
    static func escaped(_ text: String) -> String { JUnitXML.escape(text) }
}

/// JSON numbers carry 12 significant digits at most: binary noise goes, integers and strings stay.
@Test func jsonNumbersAreRoundedToMeaningfulDigits() throws {
    struct Sample: Encodable {
        var noisy = 5.199999999999999, small = 0.0011841500000000001, tiny = 1.0000000000000002e-7
        var whole = 327_680.0, count = 9_007_199_254_740_993, plain = 1.5, text = "5.199999999999999"
    }
    let json = try JSONOutput.encode(Sample())
    for expected in ["\"noisy\" : 5.2,", "\"small\" : 0.00118415,", "\"tiny\" : 1e-07,", "\"whole\" : 327680",
                     "\"count\" : 9007199254740993,", "\"plain\" : 1.5,", "\"text\" : \"5.199999999999999\""] {
        #expect(json.contains(expected), "\(expected) in \(json)")
    }
}

/// `--catalog DIR` is an overlay on the bundled catalogue: one machine file adds that machine, and a
/// plan may choose it with `--machines`.
@Test func catalogFlagOverlaysTheBundledCatalogue() throws {
    let overlay = URL(fileURLWithPath: try scratchFile("overlay")).appendingPathComponent("machines")
    try FileManager.default.createDirectory(at: overlay, withIntermediateDirectories: true)
    let h100 = try String(contentsOfFile: Repository.path("Catalog/machines/dgx-h100.json"), encoding: .utf8)
    try Data(h100.replacingOccurrences(of: #""id": "dgx-h100""#, with: #""id": "dgx-h100-spot""#).utf8)
        .write(to: overlay.appendingPathComponent("dgx-h100-spot.json"))
    let folder = overlay.deletingLastPathComponent().path, plan = try scratchFile("plan.json")
    #expect(SplitPlanCommand.run(quietly: ["plan", "--catalog", folder, "--machines", "dgx-h100-spot", "--format", "json", "--output", plan]) == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan))) as? [String: Any])
    let pools = try #require(json["pools"] as? [[String: Any]])
    #expect(!pools.isEmpty && pools.allSatisfy { $0["machine"] as? String == "dgx-h100-spot" })
}
