import ClusterModel
import Foundation
import SplitPlanCLI
import Testing

/// A user's own traces, catalogue values and calibrations: --trace in every planning command, --set on
/// any catalogue value, calibrate --write, and completion of ids.
@Suite(.serialized) struct OwnInputsTests {
    let catalog = ["--catalog", Repository.path("Catalog")]
    let scenario = Repository.path("Scenarios/quickstart.json")
    let codeTrace = Repository.path("Scenarios/traces/code.csv")

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// The trace's own rate, read here with a date parser of the test's own: rows - 1 over the span of
    /// the Azure timestamps.
    func traceRate() throws -> Double {
        let lines = try String(contentsOfFile: codeTrace, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "yyyy-MM-dd HH:mm:ss"
        func seconds(_ line: Substring) throws -> Double {
            let stamp = String(line.split(separator: ",")[0])
            let parts = stamp.split(separator: ".")
            let whole = try #require(parser.date(from: String(parts[0]))).timeIntervalSince1970
            return whole + (parts.count > 1 ? Double("0." + parts[1]) ?? 0 : 0)
        }
        let first = try seconds(try #require(lines.first)), last = try seconds(try #require(lines.last))
        return Double(lines.count - 1) / (last - first)
    }

    @Test func planTakesATrace() throws {
        let output = try scratchFile("plan.json")
        #expect(SplitPlanCommand.run(quietly: ["plan", scenario, "--trace", codeTrace, "--format", "json", "--output", output] + catalog) == 0)
        let planned = try #require(try json(output)["requestsPerSecond"] as? Double)
        let expected = try traceRate()
        #expect(abs(planned - expected) < 1e-6 * expected, "planned \(planned), trace \(expected)")
        let inputs = try #require((try json(output)["provenance"] as? [String: Any])?["inputs"] as? [[String: String]])
        #expect(inputs.contains { $0["path"]?.hasSuffix("traces/code.csv") == true })
    }

    @Test func compareAndCheckTakeATrace() throws {
        let compared = try scratchFile("compare.json")
        #expect(SplitPlanCommand.run(quietly: ["compare", scenario, "--trace", codeTrace, "--designs", "baseline-h100", "--duration", "0",
                                               "--format", "json", "--output", compared] + catalog) == 0)
        let rows = try #require(try json(compared)["rows"] as? [[String: Any]])
        let plan = try #require(rows.first?["plan"] as? [String: Any])
        #expect(abs((plan["requestsPerSecond"] as? Double ?? 0) - (try traceRate())) < 1e-6 * (try traceRate()))
        let checked = try scratchFile("check.json")
        _ = SplitPlanCommand.run(quietly: ["check", scenario, "--trace", codeTrace, "--format", "json", "--output", checked] + catalog)
        let outcome = try #require((try json(checked)["scenarios"] as? [[String: Any]])?.first)
        #expect(outcome["invalid"] is NSNull)
        #expect(SplitPlanCommand.run(quietly: ["plan", scenario, "--trace", "/no/such/trace.csv"] + catalog) == 66)
    }

    /// A calibration constant is no typed field: it is set through the machine's file and obeys the
    /// file's rule. Halving the H100's compute efficiency makes prefill slower, so the plan costs more.
    @Test func setReachesAnyCatalogueValue() throws {
        func cost(_ extra: [String]) throws -> Double {
            let output = try scratchFile("plan.json")
            #expect(SplitPlanCommand.run(quietly: ["plan", scenario, "--designs", "splitwise-hh", "--format", "json", "--output", output] + catalog + extra) == 0)
            return try #require(try json(output)["costPerHourUSD"] as? Double)
        }
        let efficiency = try #require(Catalog.load(directory: Repository.root.appendingPathComponent("Catalog")).machines[MachineID("dgx-h100")]?.calibration.computeEfficiency)
        let slower = try cost(["--set", "machine.dgx-h100.calibration.computeEfficiency=\(efficiency / 2)"])
        #expect(slower > (try cost([])))
        let failures: [(String, String)] = [
            ("machine.dgx-h100.calibration.computeEfficiency=5", "--set machine.dgx-h100.calibration.computeEfficiency is \"5\"; allowed:"),
            ("machine.dgx-h100.calibration.noSuchConstant=1", "allowed: an existing key; calibration has computeEfficiency"),
            ("machine.dgx-h100.id=other", "identifies it"),
            ("model.llama2-70b.layers=x", "--set model.llama2-70b.layers is \"x\"; allowed: a number, as in the file"),
            ("machine.dgx-h100.powerCaps=1", "name a value inside it"),
        ]
        for (setting, fragment) in failures {
            let (status, _, message) = SplitPlanCommand.run(capturing: ["plan", scenario, "--set", setting] + catalog)
            #expect(status == 65 && message.contains(fragment), "\(setting): \(status) \(message)")
        }
    }

    /// calibrate --write leaves a machine file that the catalogue loads as an overlay, holding exactly
    /// the constants the same run reports.
    @Test func calibrateWritesAMachineFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-cal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("machines"), withIntermediateDirectories: true)
        let machineFile = folder.appendingPathComponent("machines/dgx-h100.json").path, report = try scratchFile("fit.json")
        let profile = Repository.path("Tests/Fixtures/llama2-70b-vllm-a100-h100.csv")
        #expect(SplitPlanCommand.run(quietly: ["calibrate", "--profile", profile, "--machine", "dgx-h100", "--write", machineFile,
                                               "--format", "json", "--output", report] + catalog) == 0)
        let fits = try #require(try json(report)["fits"] as? [[String: Any]])
        let fitted = try #require(fits.first?["calibration"] as? [String: Any])
        let loaded = try Catalog.load(directory: folder, over: Catalog.load(directory: Repository.root.appendingPathComponent("Catalog")))
        let written = try #require(loaded.machines[MachineID("dgx-h100")]?.calibration)
        #expect(abs(written.computeEfficiency - (fitted["computeEfficiency"] as? Double ?? -1)) < 1e-9)
        #expect(abs(written.memoryEfficiency - (fitted["memoryEfficiency"] as? Double ?? -1)) < 1e-9)
        // A machine whose GPU the profiles do not hold: said as such.
        let (status, _, message) = SplitPlanCommand.run(capturing: ["calibrate", "--profile", profile, "--machine", "dgx-h200"] + catalog)
        #expect(status == 65 && message.contains("no rows of dgx-h200's GPU (h200-141gb); the profiles hold a100-80gb, h100-80gb"), "\(message)")
        // Two machines profiled and no --machine: which file to write is ambiguous, a usage mistake.
        #expect(SplitPlanCommand.run(quietly: ["calibrate", "--profile", profile, "--write", try scratchFile("m.json"),
                                               "--output", try scratchFile("r.txt")] + catalog) == 64)
    }

    /// A machine that differs from another only in price (a spot price of the same server) shares its
    /// profiles but keeps its own price: beside the list machine it takes every pool (any list machine
    /// could be swapped for its cheaper twin), each machine priced at 19 USD/h.
    @Test func aCheaperTwinKeepsItsOwnPrice() throws {
        let overlay = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-twin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: overlay.appendingPathComponent("machines"), withIntermediateDirectories: true)
        let original = try String(contentsOfFile: Repository.path("Catalog/machines/dgx-h100.json"), encoding: .utf8)
        try original.replacingOccurrences(of: "\"id\": \"dgx-h100\"", with: "\"id\": \"dgx-h100-spot\"")
            .replacingOccurrences(of: "\"pricePerHourUSD\": 38,", with: "\"pricePerHourUSD\": 19,")
            .write(to: overlay.appendingPathComponent("machines/dgx-h100-spot.json"), atomically: true, encoding: .utf8)
        func plan(_ machines: String) throws -> (pools: [[String: Any]], cost: Double) {
            let output = try scratchFile("plan.json")
            #expect(SplitPlanCommand.run(quietly: ["plan", scenario, "--designs", "auto", "--machines", machines, "--format", "json",
                                                   "--output", output, "--catalog", overlay.path]) == 0)
            let plan = try json(output)
            return (try #require(plan["pools"] as? [[String: Any]]), plan["costPerHourUSD"] as? Double ?? -1)
        }
        let both = try plan("dgx-h100,dgx-h100-spot")
        #expect(both.pools.allSatisfy { $0["machine"] as? String == "dgx-h100-spot" })
        let machines = both.pools.compactMap { $0["count"] as? Int }.reduce(0, +)
        #expect(abs(both.cost - 19 * Double(machines)) < 1e-9)
    }

    @Test func completionOffersDesigns() throws {
        let (status, text, _) = SplitPlanCommand.run(capturing: ["--generate-completion-script", "bash"])
        #expect(status == 0)
        #expect(text.contains("baseline-h100") && text.contains("splitwise-hh"))
        // Machine and model ids are asked of the binary when the shell completes them.
        #expect(text.contains("---completion"))
    }
}
