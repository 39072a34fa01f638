import ClusterModel
import Foundation
import Testing

/// A scratch directory with a valid scenario and a tiny trace, which each test then breaks one way.
struct ScenarioSandbox {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write("trace.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n0,100,10\n0.5,200,20\n")
    }

    static var valid: [String: Any] { [
        "schemaVersion": 1, "name": "t", "model": "llama2-70b",
        "workload": ["arrivals": ["process": "poisson", "ratePerSecond": 10],
                     "promptTokens": ["distribution": "trace", "file": "trace.csv"],
                     "outputTokens": ["distribution": "fixed", "tokens": 100], "durationSeconds": 60],
        "slo": ["referenceMachine": "dgx-a100", "ttft": ["p99": ["slowdown": 6]], "tbt": ["p50": 0.05]],
        "budget": ["costPerHourUSD": 1000], "objective": "min-cost", "designs": ["auto"],
    ] }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func scenario(_ edit: (inout [String: Any]) -> Void) throws -> URL {
        var json = Self.valid
        edit(&json)
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return try write("scenario.json", String(decoding: data, as: UTF8.self))
    }
}

/// Sets a value at a dotted path inside nested dictionaries.
func set(_ json: inout [String: Any], _ path: String, _ value: Any?) {
    let keys = path.split(separator: ".").map(String.init)
    func assign(_ node: inout [String: Any], _ keys: ArraySlice<String>) {
        guard let first = keys.first else { return }
        if keys.count == 1 { node[first] = value; return }
        var child = node[first] as? [String: Any] ?? [:]
        assign(&child, keys.dropFirst())
        node[first] = child
    }
    assign(&json, keys[...])
}

@Suite struct ScenarioValidationTests {
    @Test func validScenarioLoadsWithPathsRelativeToItsFile() throws {
        let sandbox = try ScenarioSandbox()
        let scenario = try Scenario.load(try sandbox.scenario { _ in })
        guard case .generated(let workload) = scenario.workload, case .trace(let file) = workload.promptTokens else {
            Issue.record("expected generated arrivals with trace-resampled prompts"); return
        }
        #expect(file == sandbox.directory.appendingPathComponent("trace.csv").standardizedFileURL)
        #expect(scenario.slo.targets[.ttft]?[.p99] == .slowdown(6) && scenario.slo.targets[.tbt]?[.p50] == .seconds(0.05))
        #expect(try scenario.loadTraces().values.first?.requests.count == 2)
    }

    /// Each broken value must be reported at its JSON path.
    /// Each broken value (a JSON literal) must be reported at its JSON path.
    @Test(arguments: [
        ("slo.ttft.p99", "-1"), ("slo.ttft.p99", "{\"slowdown\": 0.5}"), ("slo.ttft.p99", "\"fast\""),
        ("workload.arrivals.ratePerSecond", "0"), ("workload.arrivals.ratePerSecond", "-3"),
        ("workload.arrivals.ratePerSecond", "\"80\""), ("workload.arrivals.ratePerSecond", "1e300"),
        ("workload.arrivals.process", "\"uniform\""), ("workload.durationSeconds", "0"),
        ("workload.outputTokens.tokens", "0"), ("workload.outputTokens.tokens", "2.5"),
        ("budget.costPerHourUSD", "-10"), ("budget.powerKW", "0"), ("objective", "\"cheapest\""),
        ("schemaVersion", "2"), ("model", "7"), ("model", "\"Llama 2\""), ("tensorParallel", "0"),
        ("expect.feasible", "\"yes\""), ("designs", "[]"), ("designs", "[\"splitwise-xx\"]"),
        ("expect.ratios", "[{\"design\": \"baseline-h100\", \"baseline\": \"auto\", \"figure\": \"throughput\", \"atLeast\": 1, \"claim\": \"c\"}]"),
        ("expect.ratios", "[{\"design\": \"auto\", \"baseline\": \"auto\", \"figure\": \"latency\", \"atLeast\": 1, \"claim\": \"c\"}]"),
        ("expect.ratios", "[{\"design\": \"auto\", \"baseline\": \"auto\", \"figure\": \"cost\", \"atLeast\": 2, \"atMost\": 1, \"claim\": \"c\"}]"),
        ("expect.ratios", "[{\"design\": \"auto\", \"baseline\": \"auto\", \"figure\": \"cost\", \"claim\": \"c\"}]"),
        ("scheduler", "[]"), ("scheduler.borrowing", "\"no\""), ("scheduler.tokenOverflowKVShare", "0"),
        ("scheduler.tokenOverflowKVShare", "1.5"), ("scheduler.kvBlockTokens", "0"), ("scheduler.promptTokenBudget", "2.5"),
        ("scheduler.preemptionLimit", "-1"), ("scheduler.promptOverflowTokens", "-5"),
    ])
    func invalidValueNamesItsPath(path: String, literal: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
        let sandbox = try ScenarioSandbox()
        let file = try sandbox.scenario { set(&$0, path, value) }
        let error = try #require(throws: ClusterModelError.self) { try Scenario.load(file) }
        #expect(error.description.contains(file.path))
        guard case .invalidValue(_, let jsonPath, _, let allowed) = error else {
            Issue.record("expected invalidValue, got \(error)"); return
        }
        #expect(path.hasPrefix(jsonPath.replacingOccurrences(of: "[0]", with: "")) || jsonPath.hasPrefix(path), "\(jsonPath) vs \(path)")
        #expect(!allowed.isEmpty)
    }

    /// The scheduler object: defaults when absent, each member when given.
    @Test func schedulerPolicyLoads() throws {
        let sandbox = try ScenarioSandbox()
        #expect(try Scenario.load(try sandbox.scenario { _ in }).scheduler == SchedulerPolicy())
        let file = try sandbox.scenario { set(&$0, "scheduler", ["borrowing": false, "kvBlockTokens": 32, "tokenOverflowKVShare": 0.75]) }
        let policy = try Scenario.load(file).scheduler
        #expect(!policy.borrowing && policy.kvBlockTokens == 32 && policy.tokenOverflowKVShare == 0.75 && policy.promptTokenBudget == 2048)
    }

    @Test func unknownKeysAreRejectedNotIgnored() throws {
        let sandbox = try ScenarioSandbox()
        let file = try sandbox.scenario { set(&$0, "slo.ttfb", ["p50": 1]) }
        #expect(throws: ClusterModelError.unknownKey(path: file.path, jsonPath: "slo.ttfb", allowed: ["referenceMachine", "ttft", "tbt", "e2e"])) {
            try Scenario.load(file)
        }
    }

    @Test func missingKeysAndConflictingWorkloads() throws {
        let sandbox = try ScenarioSandbox()
        let noModel = try sandbox.scenario { $0["model"] = nil }
        #expect(throws: ClusterModelError.missingKey(path: noModel.path, jsonPath: "model", expected: "a model id")) { try Scenario.load(noModel) }
        let both = try sandbox.scenario { set(&$0, "workload.trace", ["file": "trace.csv"]) }
        #expect { try Scenario.load(both) } throws: { ($0 as? ClusterModelError)?.description.contains("exactly one of") == true }
        let noReference = try sandbox.scenario { set(&$0, "slo.referenceMachine", nil) }
        #expect { try Scenario.load(noReference) } throws: {
            if case .missingKey(_, "slo.referenceMachine", _) = $0 as? ClusterModelError { return true } else { return false }
        }
    }

    @Test func malformedAndHugeJSON() throws {
        let sandbox = try ScenarioSandbox()
        for text in ["{\"schemaVersion\": 1,", "[1, 2]", "{\"schemaVersion\": 1e400}", ""] {
            let file = try sandbox.write("broken.json", text)
            #expect(throws: ClusterModelError.self) { try Scenario.load(file) }
        }
        #expect(throws: ClusterModelError.fileNotFound(path: sandbox.directory.appendingPathComponent("none.json").path, role: "scenario file")) {
            try Scenario.load(sandbox.directory.appendingPathComponent("none.json"))
        }
    }

    /// A syntax error names its line and column (counted by hand in the text below), so an editor finds it.
    @Test func syntaxErrorsNameLineAndColumn() throws {
        let sandbox = try ScenarioSandbox()
        let text = "{\n  \"schemaVersion\": 1,\n  \"model\": \"llama2-70b\"\n  \"workload\": {}\n}\n"
        let file = try sandbox.write("comma.json", text)
        let error = try #require(throws: ClusterModelError.self) { try Scenario.load(file) }
        // Line 4 is `  "workload": {}`; its opening quote, column 3, is where the missing comma is noticed.
        #expect(error.description.contains("line 4, column 3"), "\(error)")
        let truncated = try sandbox.write("cut.json", "{\n  \"schemaVersion\": 1,\n")
        let cut = try #require(throws: ClusterModelError.self) { try Scenario.load(truncated) }
        #expect(cut.description.contains("line 3, at the end of the file"), "\(cut)")
    }

    /// A number beyond Double's range is reported at its path, not as unreadable JSON.
    @Test func outOfRangeNumberNamesItsPath() throws {
        let sandbox = try ScenarioSandbox()
        let text = String(decoding: try Data(contentsOf: try sandbox.scenario { _ in }), as: UTF8.self)
            .replacingOccurrences(of: "\"ratePerSecond\":10", with: "\"ratePerSecond\":1e999")
        let file = try sandbox.write("overflow.json", text)
        let error = try #require(throws: ClusterModelError.self) { try Scenario.load(file) }
        guard case .invalidValue(_, "workload.arrivals.ratePerSecond", "inf", _) = error else {
            Issue.record("unexpected \(error)"); return
        }
    }

    @Test func referencesAreCheckedAgainstTheCatalogue() throws {
        let sandbox = try ScenarioSandbox()
        let catalog = try Catalog.load(directory: Repository.catalog)
        let unknownModel = try Scenario.load(try sandbox.scenario { $0["model"] = "gpt-9" })
        #expect { try unknownModel.checkReferences(in: catalog) } throws: { error in
            guard case .unknownReference(_, "model", "gpt-9", "model", let known) = error as? ClusterModelError else { return false }
            return known.contains("llama2-70b")
        }
        let unknownMachine = try Scenario.load(try sandbox.scenario { $0["machines"] = ["dgx-a100", "tpu-v9"] })
        #expect { try unknownMachine.checkReferences(in: catalog) } throws: { error in
            if case .unknownReference(_, "machines[1]", "tpu-v9", "machine", _) = error as? ClusterModelError { return true }
            return false
        }
    }

    @Test func missingAndEmptyTracesFailWhenLoaded() throws {
        let sandbox = try ScenarioSandbox()
        let missing = try Scenario.load(try sandbox.scenario { set(&$0, "workload.promptTokens.file", "nope.csv") })
        #expect { try missing.loadTraces() } throws: {
            if case .fileNotFound = $0 as? ClusterModelError { return true } else { return false }
        }
        try sandbox.write("empty.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n")
        let empty = try Scenario.load(try sandbox.scenario { set(&$0, "workload.promptTokens.file", "empty.csv") })
        #expect { try empty.loadTraces() } throws: {
            if case .emptyTrace = $0 as? ClusterModelError { return true } else { return false }
        }
    }
}

/// Whatever the input held, an error message stays readable: long values are cut in the middle,
/// keeping both ends.
@Test func longEchoedValuesAreCut() {
    let path = "/data/" + String(repeating: "x", count: 5000) + "/trace.csv"
    let message = ClusterModelError.fileNotFound(path: path, role: "trace file").description
    #expect(message.count < 400 && message.hasPrefix("/data/xxx") && message.contains("…") && message.contains("/trace.csv: trace file not found"))
    let short = ClusterModelError.invalidValue(path: "s.json", jsonPath: "workload.x", value: "12", allowed: "a number").description
    #expect(short == "s.json: workload.x is 12; allowed: a number")
    let digits = String(repeating: "9", count: 20_000_000)
    let huge = ClusterModelError.invalidValue(path: "s.json", jsonPath: "workload.rate", value: digits, allowed: "a number").description
    // 50 + 20 characters of the value, the marker "…(19999930 characters)…" and the rest of the sentence.
    #expect(huge == "s.json: workload.rate is \(String(repeating: "9", count: 50))…(19999930 characters)…\(String(repeating: "9", count: 20)); allowed: a number")
}
