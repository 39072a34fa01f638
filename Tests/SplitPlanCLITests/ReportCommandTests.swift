import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SplitPlanCLI
import Testing

@Suite(.serialized) struct ReportCommandTests {
    let catalog = ["--catalog", Repository.path("Catalog")]
    let coding = Repository.path("Scenarios/splitwise-coding-llama2-70b-iso-power.json")

    func run(_ arguments: [String], format: String, status: Int32 = 0) throws -> String {
        let output = try scratchFile("report.\(format)")
        #expect(SplitPlanCommand.run(quietly: arguments + ["--format", format, "--output", output] + catalog) == status)
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    /// At iso-power on the coding trace, Splitwise-HH and -HHcap out-serve Baseline-H100 (Splitwise's claim),
    /// Splitwise-HA serves as much per dollar or more, Splitwise-AA out-serves Baseline-A100, and every plan
    /// meets its SLOs in simulation; ratios are against Baseline-H100.
    @Test func compareDesignsWithRatios() throws {
        let json = try run(["compare", coding, "--designs", "all", "--simulate-seconds", "30"], format: "json")
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.count == 6)
        func row(_ design: String) -> [String: Any]? { rows.first { ($0["plan"] as? [String: Any])?["design"] as? String == design } }
        let baseline = try #require(row("baseline-h100"))
        #expect(baseline["throughputRatio"] as? Double == 1)
        for design in ["splitwise-hh", "splitwise-hhcap"] {
            let ratio = try #require(row(design)?["throughputRatio"] as? Double)
            #expect(ratio > 1.1, "\(design): \(ratio)")
        }
        let ha = try #require(row("splitwise-ha")), haThroughput = try #require(ha["throughputRatio"] as? Double)
        let haCost = try #require(ha["costRatio"] as? Double)
        #expect(haThroughput / haCost > 1.05, "splitwise-ha: \(haThroughput)x throughput at \(haCost)x cost")
        let aa = try #require(row("splitwise-aa")?["plan"] as? [String: Any]), a100 = try #require(row("baseline-a100")?["plan"] as? [String: Any])
        #expect((aa["requestsPerSecond"] as? Double ?? 0) > (a100["requestsPerSecond"] as? Double ?? 0))
        for entry in rows { #expect(((entry["simulated"] as? [String: Any])?["sloMet"] as? Bool) == true) }
    }

    /// A 30 % cheaper DGX-H100 lowers the cost of the same pools by 30 %.
    @Test func whatIfShowsDeltas() throws {
        let csv = try run(["compare", "--designs", "splitwise-hh", "--set", "machine.dgx-h100.pricePerHourUSD=26.6", "--simulate-seconds", "0"], format: "csv")
        let sections = csvSections(csv)
        #expect(sections.count == 2 && sections.last?.title == "provenance")
        let body: [String] = sections.first?.lines ?? []
        let lines = body.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.count == 3 && lines[0].contains("delta USD/h"))
        let cost = try #require(lines[0].firstIndex(of: "USD/h"))
        let before = try #require(Double(lines[1][cost])), after = try #require(Double(lines[2][cost]))
        #expect(abs(after - before * 0.7) < 1e-6)
    }

    /// A what-if variant's ratios compare with the unmodified baseline design: the cheaper machine's
    /// Baseline-H100 costs 0.70x the unmodified one (not 1.00x of itself), at the same throughput.
    @Test func whatIfRatiosCompareWithTheUnmodifiedBaseline() throws {
        let json = try run(["compare", "--designs", "baseline-h100", "--set", "machine.dgx-h100.pricePerHourUSD=26.6",
                            "--simulate-seconds", "0"], format: "json")
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        let variant = try #require(rows.first { ($0["variant"] as? String) != "baseline" })
        #expect(abs((variant["costRatio"] as? Double ?? 0) - 0.7) < 1e-9)
        #expect(abs((variant["throughputRatio"] as? Double ?? 0) - 1) < 1e-9)
    }

    @Test(arguments: [["--set", "machine.dgx-h100.priceUSD=3"], ["--set", "machine.tpu.pricePerHourUSD=3"], ["--set", "workload.rate=-1"],
                      ["--set", "nonsense"], ["--machines", "tpu-v9"]])
    func badOverridesExit65(arguments: [String]) {
        #expect(SplitPlanCommand.run(quietly: ["compare", "--simulate-seconds", "0"] + arguments + catalog) == 65)
    }

    @Test func sweepMarksAFrontierThatGrowsWithTheCap() throws {
        let json = try run(["sweep", coding, "--power-cap", "100...400", "--steps", "4", "--designs", "splitwise-hh"], format: "json")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let points = try #require(report["points"] as? [[String: Any]])
        #expect(points.count == 4)
        // One design: it wins wherever it is feasible.
        let winners = try #require(report["winners"] as? [[String: Any]])
        #expect(winners.count == 1 && winners.first?["design"] as? String == "splitwise-hh")
        let rates = points.compactMap { $0["requestsPerSecond"] as? Double }
        #expect(rates == rates.sorted() && (rates.last ?? 0) > (rates.first ?? 0))
        for point in points { #expect((point["powerKW"] as? Double ?? 1e9) <= (point["value"] as? Double ?? 0) + 1e-6) }
        #expect(points.allSatisfy { $0["onFrontier"] as? Bool == true })
    }

    /// `compare --no-timings` prints identical bytes twice; `--duration` names the simulated seconds as in
    /// simulate and capacity (`--simulate-seconds` stays an alias).
    @Test func compareWithoutTimingsIsByteIdentical() throws {
        let arguments = ["compare", coding, "--designs", "baseline-h100", "--duration", "20", "--no-timings"]
        let first = try run(arguments, format: "json"), second = try run(arguments, format: "json")
        #expect(first == second && first.contains("\"wallSeconds\" : 0"))
    }

    /// HTML reports parse as XML (XHTML-clean markup) and hold inline SVG charts.
    @Test func htmlReportsAreWellFormed() throws {
        for arguments in [["compare", coding, "--designs", "splitwise-hh,baseline-h100", "--simulate-seconds", "20"],
                          ["sweep", coding, "--cost-cap", "400...1600", "--steps", "3", "--designs", "splitwise-hh"],
                          ["plan", "--design", "splitwise-hh"],
                          ["simulate", "--pool", "prompt:dgx-h100=5", "--pool", "token:dgx-h100=4", "--duration", "30"]] {
            let html = try run(arguments, format: "html")
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            let body = html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
                .replacingOccurrences(of: "<meta charset=\"utf-8\">", with: "<meta charset=\"utf-8\"/>")
                .replacingOccurrences(of: "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                                      with: "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
            let document = try XMLDocument(xmlString: body)
            #expect(try !document.nodes(forXPath: "//*[local-name()='svg']").isEmpty)
            #expect(try !document.nodes(forXPath: "//table/tbody/tr").isEmpty)
        }
    }

    @Test func planCSVHasOneRowPerPool() throws {
        let csv = try run(["plan", "--design", "splitwise-hh"], format: "csv")
        let lines = csvSections(csv).first?.lines ?? []
        #expect(lines.first?.hasPrefix("design,feasible,role,machine,count") == true)
        #expect(lines.count == 3 && lines[1].hasPrefix("splitwise-hh,true,prompt,dgx-h100,") && lines[2].hasPrefix("splitwise-hh,true,token,dgx-h100,"))
        // Each row ends with the plan's throughput under overload, with borrowing and without, as the JSON has them.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run(["plan", "--design", "splitwise-hh"], format: "json").utf8)) as? [String: Any])
        let overload = try #require(json["overload"] as? [String: Any])
        let with = try #require(overload["withBorrowingRequestsPerSecond"] as? Double), without = try #require(overload["withoutBorrowingRequestsPerSecond"] as? Double)
        #expect(with > without)
        #expect(lines.first?.hasSuffix(",overloadRequestsPerSecond,overloadWithoutBorrowingRequestsPerSecond") == true)
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix("," + String(format: "%.4f,%.4f", with, without)) })
    }

    @Test func sweepNeedsExactlyOneRange() {
        #expect(SplitPlanCommand.run(quietly: ["sweep", "--steps", "3"] + catalog) == 64)
        #expect(SplitPlanCommand.run(quietly: ["sweep", "--rate", "9...3"] + catalog) == 65)
    }
}
