import ClusterModel
import Foundation
import SplitPlanCLI
import Testing

/// Machine-readable reports say what they were computed from; CSV holds every table; --no-timings is
/// accepted everywhere.
@Suite(.serialized) struct ProvenanceTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// sha256sum, a program of its own, as the independent reference for a file's digest.
    func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    @Test func planJSONCarriesVersionAndDigests() throws {
        let output = try scratchFile("plan.json")
        let scenario = Repository.path("Scenarios/quickstart.json")
        #expect(SplitPlanCommand.run(quietly: ["plan", scenario, "--format", "json", "--no-timings", "--output", output] + catalog) == 0)
        let provenance = try #require(try json(output)["provenance"] as? [String: Any])
        #expect(provenance["tool"] as? String == "splitplan")
        #expect(provenance["version"] as? String == SplitPlanCommand.version)
        let inputs = try #require(provenance["inputs"] as? [[String: String]])
        #expect(inputs.first?["sha256"] == (try sha256sum(scenario)))
        // The quick-start scenario's sizes come from a trace: it is an input too.
        #expect(inputs.contains { $0["path"]?.hasSuffix("traces/conversation.csv") == true && $0["sha256"] == (try? sha256sum(Repository.path("Scenarios/traces/conversation.csv"))) })
        #expect((provenance["catalogSHA256"] as? String)?.count == 64)
    }

    /// One changed catalogue figure changes the catalogue digest; the same catalogue gives the same one.
    @Test func catalogueDigestFollowsTheFigures() throws {
        func digest(_ extra: [String]) throws -> String {
            let output = try scratchFile("perf.json")
            #expect(SplitPlanCommand.run(quietly: ["perf", "--model", "llama2-70b", "--machine", "dgx-h100", "--batch", "1", "--format", "json",
                                                   "--output", output] + catalog + extra) == 0)
            return try #require(try json(output)["provenance"] as? [String: Any])["catalogSHA256"] as? String ?? ""
        }
        let overlay = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-overlay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: overlay.appendingPathComponent("machines"), withIntermediateDirectories: true)
        let original = try String(contentsOfFile: Repository.path("Catalog/machines/dgx-h100.json"), encoding: .utf8)
        try original.replacingOccurrences(of: "\"pricePerHourUSD\": 38,", with: "\"pricePerHourUSD\": 39,")
            .write(to: overlay.appendingPathComponent("machines/dgx-h100.json"), atomically: true, encoding: .utf8)
        let plain = try digest([]), again = try digest([])
        let changed = try digest(["--catalog", overlay.path])
        #expect(plain == again)
        #expect(changed != plain && changed.count == 64)
    }

    @Test func csvHoldsEveryTableAndTheProvenance() throws {
        let output = try scratchFile("perf.csv")
        #expect(SplitPlanCommand.run(quietly: ["perf", "--model", "llama2-70b", "--machine", "dgx-h100", "--format", "csv", "--output", output] + catalog) == 0)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let titles = text.components(separatedBy: "\r\n").filter { $0.hasPrefix("# ") }
        // The perf sweep has a prefill table and a decode table, then the provenance.
        #expect(titles.count == 3, "\(titles)")
        #expect(titles.last == "# provenance")
        #expect(text.contains("tool,splitplan \(SplitPlanCommand.version)"))
    }

    @Test func htmlFooterNamesTheVersionAndInputs() throws {
        let output = try scratchFile("catalog.html")
        #expect(SplitPlanCommand.run(quietly: ["catalog", "--format", "html", "--output", output] + catalog) == 0)
        let page = try String(contentsOfFile: output, encoding: .utf8)
        #expect(page.contains("<footer class=\"provenance\">splitplan \(SplitPlanCommand.version) · catalogue sha256 "))
    }

    @Test func everyCommandTakesNoTimings() throws {
        let profile = Repository.path("Tests/Fixtures/llama2-70b-vllm-a100-h100.csv")
        let runs: [[String]] = [
            ["perf", "--model", "llama2-70b", "--machine", "dgx-h100", "--batch", "1"], ["catalog"], ["catalog", "show", "dgx-h100"],
            ["calibrate", "--profile", profile, "--evaluate"],
        ]
        for arguments in runs {
            #expect(SplitPlanCommand.run(quietly: arguments + ["--no-timings", "--output", try scratchFile("out.txt")] + catalog) == 0, "\(arguments)")
        }
        #expect(SplitPlanCommand.run(quietly: ["validate", Repository.path("Scenarios/quickstart.json"), "--no-timings"] + catalog) == 0)
    }

    /// JUnit suites carry the version and the scenario's and catalogue's digests as properties.
    @Test func junitSuitesCarryProperties() throws {
        let junit = try scratchFile("report.xml")
        let scenario = Repository.path("Scenarios/quickstart.json")
        _ = SplitPlanCommand.run(quietly: ["check", scenario, "--junit", junit, "--no-timings", "--output", try scratchFile("check.txt")] + catalog)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<property name=\"splitplan.version\" value=\"\(SplitPlanCommand.version)\"/>"))
        #expect(xml.contains("<property name=\"scenario.sha256\" value=\"\(try sha256sum(scenario))\"/>"))
    }
}
