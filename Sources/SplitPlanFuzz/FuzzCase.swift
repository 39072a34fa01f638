import Foundation

/// The inputs the fuzzer starts from: the shipped scenarios, catalogue and traces, and plans the
/// command under test wrote.
struct SeedInputs {
    var repository: URL
    var scenarios: [(name: String, text: String)]
    var catalogFiles: [String]
    var traceHeads: [String]
    var plans: [(scenario: String, text: String)]

    /// The first 300 rows of each trace: enough to resample from, small enough to copy per case.
    static func load(repository: URL, plans: [(scenario: String, text: String)]) throws -> SeedInputs {
        let scenarioFolder = repository.appendingPathComponent("Scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: scenarioFolder.path).filter { $0.hasSuffix(".json") }.sorted()
        let scenarios = try names.map { ($0, try String(contentsOf: scenarioFolder.appendingPathComponent($0), encoding: .utf8)) }
        let catalog = repository.appendingPathComponent("Catalog")
        let catalogFiles = try ["gpus", "machines", "models"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: catalog.appendingPathComponent(folder).path)
                .filter { $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
        }
        let traceHeads = try ["code.csv", "conversation.csv"].map { name in
            let text = try String(contentsOf: scenarioFolder.appendingPathComponent("traces/\(name)"), encoding: .utf8)
            return text.split(separator: "\n", omittingEmptySubsequences: false).prefix(301).joined(separator: "\n") + "\n"
        }
        guard !scenarios.isEmpty, !catalogFiles.isEmpty else {
            throw FuzzError.missingInput(scenarioFolder.path, hint: "run the fuzzer from the repository root")
        }
        return SeedInputs(repository: repository, scenarios: scenarios, catalogFiles: catalogFiles, traceHeads: traceHeads, plans: plans)
    }
}

/// One case: the files it writes into its own folder and the command line that reads them.
struct FuzzCase {
    enum Target: String, CaseIterable { case scenario, catalog, trace, plan }

    var target: Target
    var files: [String: String]
    var arguments: [String]
    /// Copy the shipped catalogue into the case's folder before writing `files` (a catalogue case).
    var copiesCatalog = false

    var commandName: String { arguments.first ?? "" }

    /// The command line with the case's own files as absolute paths inside `folder`.
    func arguments(in folder: URL) -> [String] {
        let local = Set(files.keys.map { $0.split(separator: "/").first.map(String.init) ?? $0 } + (copiesCatalog ? ["Catalog"] : []))
        return arguments.map { local.contains($0) ? folder.appendingPathComponent($0).path : $0 }
    }

    static let limit = ["--time-limit", "15"]
    static let formats = ["text", "json", "csv", "markdown", "html"]
    static let clusters = [["--pool", "mixed:dgx-h100=4"], ["--pool", "prompt:dgx-h100=2", "--pool", "token:dgx-a100=3"],
                           ["--pool", "prompt:dgx-a100=1", "--pool", "token:dgx-a100=1", "--pool", "mixed:dgx-h100=1"]]

    static func make(_ seeds: SeedInputs, mutator: inout Mutator) -> FuzzCase {
        let format = ["--format", mutator.pick(formats)]
        let cluster = mutator.pick(clusters)
        switch mutator.pick(Target.allCases) {
        case .scenario:
            let seed = mutator.pick(seeds.scenarios)
            let file = "scenario.json"
            let command = mutator.pick([
                ["validate", file], ["plan", file] + limit + format, ["plan", file, "--verify"] + limit,
                ["simulate", file] + cluster + limit + format, ["compare", file, "--duration", "30"] + limit + format,
                ["check", file] + limit, ["capacity", file, "--seeds", "1"] + cluster + limit,
                ["sweep", file, "--rate", "1...50", "--steps", "3"] + limit + format,
                ["schedule", file] + limit + format, ["schedule", file, "--verify", "--duration", "30"] + limit,
            ])
            return FuzzCase(target: .scenario, files: [file: mutator.mutateJSON(seed.text)], arguments: command)
        case .catalog:
            let file = "Catalog/" + mutator.pick(seeds.catalogFiles)
            let original = (try? String(contentsOf: seeds.repository.appendingPathComponent(file), encoding: .utf8)) ?? "{}"
            let catalog = ["--catalog", "Catalog"]
            let command = mutator.pick([
                ["validate", "Catalog"], ["plan"] + limit + format, ["plan", "--design", "splitwise-ha"] + limit,
                ["perf", "--model", "llama2-70b", "--machine", "dgx-h100"] + format, ["catalog"] + format,
                ["simulate", "--duration", "60"] + cluster + limit + format,
            ]) + catalog
            return FuzzCase(target: .catalog, files: [file: mutator.mutateJSON(original)], arguments: command, copiesCatalog: true)
        case .trace:
            let trace = mutator.mutateCSV(mutator.pick(seeds.traceHeads))
            let scenario = (seeds.scenarios.first { $0.name == "quickstart.json" } ?? seeds.scenarios[0]).text
                .replacingOccurrences(of: "traces/conversation.csv", with: "trace.csv").replacingOccurrences(of: "traces/code.csv", with: "trace.csv")
            let command = mutator.pick([
                ["validate", "scenario.json"], ["plan", "scenario.json"] + limit, ["simulate", "scenario.json", "--duration", "60"] + cluster + limit,
                ["simulate", "--trace", "trace.csv"] + cluster + limit + format,
            ])
            return FuzzCase(target: .trace, files: ["trace.csv": trace, "scenario.json": scenario], arguments: command)
        case .plan:
            let plan = mutator.pick(seeds.plans)
            let scenario = seeds.scenarios.first { $0.name == plan.scenario } ?? seeds.scenarios[0]
            let command = mutator.pick([
                ["simulate", "scenario.json", "--plan", "plan.json", "--duration", "60"] + limit + format,
                ["capacity", "scenario.json", "--plan", "plan.json", "--seeds", "1", "--duration", "60"] + limit,
            ])
            return FuzzCase(target: .plan, files: ["plan.json": mutator.mutateJSON(plan.text), "scenario.json": scenario.text], arguments: command)
        }
    }

    /// Writes the case into `directory`, with the shipped traces beside it for relative trace paths.
    func write(into directory: URL, repository: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        try manager.createSymbolicLink(at: directory.appendingPathComponent("traces"),
                                       withDestinationURL: repository.appendingPathComponent("Scenarios/traces"))
        if copiesCatalog {
            try manager.copyItem(at: repository.appendingPathComponent("Catalog"), to: directory.appendingPathComponent("Catalog"))
        }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(name)
            try? manager.removeItem(at: url)
            try Data(text.utf8).write(to: url)
        }
        try Data((arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") + "\n").utf8)
            .write(to: directory.appendingPathComponent("command.txt"))
    }
}
