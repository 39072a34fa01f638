import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SplitPlanCLI
import Testing

@Suite(.serialized) struct CheckCommandTests {
    @Test func shippedQuickstartPassesWithJUnit() throws {
        let junit = try scratchFile("report.xml"), output = try scratchFile("check.txt")
        #expect(SplitPlanCommand.run(quietly: ["check", Repository.path("Scenarios/quickstart.json"), "--junit", junit, "--output", output]) == 0)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("pass   quickstart: sloMetInSimulation: expected true, got all SLOs met"))
        #expect(text.hasSuffix("1 passed, 0 failed\n"))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        let document = try XMLDocument(xmlString: xml)
        #expect(try document.nodes(forXPath: "//testcase").count == 4)
        #expect(try document.nodes(forXPath: "//failure").isEmpty)
        // One suite per scenario file, with the file, when and where it ran.
        let suites = try document.nodes(forXPath: "//testsuite")
        #expect(suites.count == 1)
        let suite = try #require(suites.first as? XMLElement)
        #expect(suite.attribute(forName: "file")?.stringValue == Repository.path("Scenarios/quickstart.json"))
        #expect(suite.attribute(forName: "timestamp")?.stringValue?.hasSuffix("Z") == true)
        #expect(suite.attribute(forName: "hostname")?.stringValue?.isEmpty == false)
    }

    /// Every shipped scenario's expectations hold: the Splitwise study's ratios (docs/splitwise-reproduction.md)
    /// and the example day's schedule, so a change that moves them fails here, not only in a user's CI.
    @Test func everyShippedScenarioMeetsItsExpectations() throws {
        let output = try scratchFile("check-all.txt")
        let status = SplitPlanCommand.run(quietly: ["check", Repository.path("Scenarios"), "--output", output])
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(status == 0, "\(text.split(separator: "\n").filter { $0.contains("FAIL") }.joined(separator: "\n"))")
        #expect(text.contains("splitwise-conversation-llama2-70b-iso-power: throughput splitwise-aa / baseline-a100"))
        #expect(text.hasSuffix("11 passed, 0 failed\n"))
    }

    /// Two scenario files are two suites; a failure carries its type; --no-timings makes the report
    /// byte-identical (fixed timestamp and hostname).
    @Test func junitHasASuitePerFileAndFailureTypes() throws {
        let fixture = Repository.path("Tests/Fixtures/check/failing-expectation.json"), quickstart = Repository.path("Scenarios/quickstart.json")
        var reports: [String] = []
        for _ in 0..<2 {
            let junit = try scratchFile("report.xml")
            #expect(SplitPlanCommand.run(quietly: ["check", quickstart, fixture, "--no-timings", "--junit", junit, "--output", try scratchFile("c.txt")]) == 2)
            reports.append(try String(contentsOfFile: junit, encoding: .utf8))
        }
        #expect(reports[0] == reports[1])
        let document = try XMLDocument(xmlString: reports[0])
        #expect(try document.nodes(forXPath: "//testsuite").count == 2)
        #expect(try document.nodes(forXPath: "//testsuite[@file='\(fixture)']//failure[@type='expectation']").count == 1)
        #expect(try document.nodes(forXPath: "//testsuite[@timestamp='1970-01-01T00:00:00Z'][@hostname='localhost']").count == 2)
    }

    /// A failing expectation exits 2 and names the scenario, the expectation and the figure.
    @Test func failingExpectationExits2AndSaysWhy() throws {
        let junit = try scratchFile("report.xml"), output = try scratchFile("check.txt")
        let fixture = Repository.path("Tests/Fixtures/check/failing-expectation.json")
        #expect(SplitPlanCommand.run(quietly: ["check", fixture, "--junit", junit, "--output", output]) == 2)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("FAIL   too-cheap-to-be-true: maxCostPerHourUSD: expected <= 10.00 USD/h, got 190.00 USD/h"))
        let document = try XMLDocument(xmlString: try String(contentsOfFile: junit, encoding: .utf8))
        let failures = try document.nodes(forXPath: "//testcase[@name='maxCostPerHourUSD']/failure")
        #expect(failures.count == 1 && failures.first?.stringValue?.contains("190.00") == true)
    }

    /// A ratio expectation divides the two designs' planned figures, as `plan --design` reports them.
    @Test func designRatiosComeFromBothPlans() throws {
        let fixture = Repository.path("Tests/Fixtures/check/design-ratio.json"), output = try scratchFile("check.txt")
        #expect(SplitPlanCommand.run(quietly: ["check", fixture, "--output", output]) == 2)
        func plan(_ design: String) throws -> [String: Any] {
            let plan = try scratchFile("\(design).json")
            #expect(SplitPlanCommand.run(quietly: ["plan", fixture, "--design", design, "--format", "json", "--output", plan]) == 0)
            return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan))) as? [String: Any])
        }
        let split = try plan("splitwise-hh"), baseline = try plan("baseline-h100")
        let ratio = try #require(split["costPerHourUSD"] as? Double) / #require(baseline["costPerHourUSD"] as? Double)
        func overload(_ plan: [String: Any]) throws -> Double {
            try #require((plan["overload"] as? [String: Any])?["withBorrowingRequestsPerSecond"] as? Double)
        }
        let overloadRatio = try overload(split) / overload(baseline)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("FAIL   ratio-of-two-designs: cost splitwise-hh / baseline-h100: expected <= 0.10 (deliberately impossible), got \(String(format: "%.2fx", ratio))"))
        #expect(text.contains("pass   ratio-of-two-designs: throughput splitwise-hh / baseline-h100: expected >= 0.99 and <= 1.01 (both serve the scenario's rate), got 1.00x"))
        #expect(text.contains("FAIL   ratio-of-two-designs: overloadThroughput splitwise-hh / baseline-h100: expected >= 100.00 "
                              + "(deliberately impossible: what the pools complete under overload, with borrowing), got \(String(format: "%.2fx", overloadRatio))"))
    }

    /// The sample in docs/ci.md is what `check` prints for the quickstart scenario, line for line.
    @Test func theDocumentedSampleIsCurrent() throws {
        let output = try scratchFile("check.txt")
        #expect(SplitPlanCommand.run(quietly: ["check", Repository.path("Scenarios/quickstart.json"), "--output", output]) == 0)
        let printed = try String(contentsOfFile: output, encoding: .utf8)
        let documented = try String(contentsOfFile: Repository.path("docs/ci.md"), encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix("  pass   quickstart:") || $0.hasPrefix("  FAIL   quickstart:") }
        #expect(documented.count == 4)
        for line in documented { #expect(printed.contains(line + "\n"), "docs/ci.md: \(line)") }
    }

    @Test func invalidFileExits65() throws {
        let bad = try scratchFile("bad.json", #"{"schemaVersion": 1, "model": "llama2-70b", "workload": {}}"#)
        #expect(SplitPlanCommand.run(quietly: ["check", bad, "--catalog", Repository.path("Catalog")]) == 65)
    }

    @Test func junitEscapesMarkup() {
        #expect(JUnitXMLProbe.escaped("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }
}
