import ArgumentParser
import ClusterModel
import Foundation

/// `--catalog DIR`, shared by every command that reads the catalogue.
struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Catalogue overlay: a folder with any of gpus/, machines/, models/; each file adds an entry to the bundled catalogue or replaces the one of the same id.",
        valueName: "DIR"))
    var catalog: String?

    /// The flag's folder over the bundled catalogue (or alone, when none is found), else the scenario's
    /// `catalog`, else $SPLITPLAN_CATALOG, else the bundled catalogue.
    func load(scenario: Scenario? = nil) throws -> Catalog {
        if let catalog { return try Self.overlay(catalog) }
        if let directory = scenario?.catalogDirectory { return try Catalog.load(directory: directory) }
        return try Catalog.load(directory: try BundledResources.catalogDirectory())
    }

    static func overlay(_ path: String) throws -> Catalog {
        let directory = URL(fileURLWithPath: path)
        guard let bundled = try? BundledResources.catalogDirectory(), bundled.standardizedFileURL != directory.standardizedFileURL else {
            return try Catalog.load(directory: directory)
        }
        return try Catalog.load(directory: directory, over: try Catalog.load(directory: bundled))
    }
}

/// `--time-limit SECONDS`, shared by every command that solves or simulates: one limit for the whole run.
struct RunLimitOptions: ParsableArguments {
    static let defaultSeconds = 600.0

    @Option(name: .customLong("time-limit"), help: ArgumentHelp(
        "Wall-clock limit for the whole command, seconds (default 600): each solve gets what is left of it, and a simulation still running when it passes stops; either exits 3.",
        valueName: "SECONDS"))
    var timeLimit: Double = RunLimitOptions.defaultSeconds

    func validate() throws {
        guard timeLimit > 0, timeLimit <= 86_400 else { throw ValidationError("--time-limit must be in (0, 86400] seconds") }
    }

    /// Starts the run's clock: call once, at the start of `run()`.
    func start() -> Deadline { Deadline(limitSeconds: timeLimit) }
}

/// `--designs` and `--machines`: which designs and machine types a command considers, the same in plan,
/// compare and sweep. An unknown design is a usage mistake (exit 64); machine ids are checked against
/// the catalogue (exit 65).
struct CandidateOptions: ParsableArguments {
    @Option(name: [.customLong("designs"), .customLong("design")],
            help: ArgumentHelp("Designs, comma-separated, or `all` (default: the scenario's); --design is the same option.", valueName: "LIST"),
            completion: CompletionIDs.designs)
    var designs: String?
    @Option(help: ArgumentHelp("Candidate machine ids, comma-separated (default: the scenario's, else every catalogue machine).", valueName: "LIST"),
            completion: CompletionIDs.machines)
    var machines: String?

    func validate() throws {
        if let designs {
            do { _ = try DesignList.parse(designs) } catch let error as ClusterModelError { throw ValidationError(error.description) }
        }
        if let machines, machines.split(separator: ",").isEmpty { throw ValidationError("--machines needs at least one machine id") }
    }

    var designList: [Design]? { designs.flatMap { try? DesignList.parse($0) } }

    /// The scenario with the chosen designs and candidate machines, the machines checked against the catalogue.
    func apply(to scenario: Scenario, catalog: Catalog) throws -> Scenario {
        var chosen = scenario
        if let list = designList { chosen.designs = list }
        if let machines {
            chosen.machines = try machines.split(separator: ",").map { name in
                let id = MachineID(name.trimmingCharacters(in: .whitespaces))
                _ = try catalog.machine(id, file: "command line", jsonPath: "--machines")
                return id
            }
        }
        return chosen
    }
}

/// A `--designs` list: `all` (every design but auto), or comma-separated ids.
enum DesignList {
    static func parse(_ text: String) throws -> [Design] {
        if text == "all" { return Design.allCases.filter { $0 != .auto } }
        // A design named twice is planned once, as in a scenario's `designs`.
        return try text.split(separator: ",").map { name in
            guard let design = Design(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ClusterModelError.invalidValue(path: "command line", jsonPath: "--designs", value: "\"\(name)\"",
                                                     allowed: "all, or a comma-separated list of " + Design.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return design
        }.reduce(into: [Design]()) { if !$0.contains($1) { $0.append($1) } }
    }
}

/// `--trace FILE`: the workload replayed from a trace (arrival times and sizes) instead of the scenario's,
/// the same in plan, simulate, capacity, compare, sweep and check.
struct WorkloadOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Take the workload from this trace (Azure, SplitwiseSim or generic arrival_s,prompt_tokens,output_tokens CSV; - for standard input): its arrivals and sizes replace the scenario's.",
        valueName: "FILE"))
    var trace: String?
}

/// `--set KEY=VALUE`: overrides of scenario and catalogue values for this run (any catalogue value, by
/// `<gpu|machine|model>.<id>.<path>`). In compare each list of overrides is a what-if variant beside the
/// scenario as written.
struct SettingOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override KEY=VALUE, repeated: machine.dgx-h100.pricePerHourUSD=26, machine.dgx-a100.calibration.computeEfficiency=0.6, workload.rate=40, slo.ttft.p99.seconds=2, scheduler.promptTokenBudget=4096.",
        valueName: "KEY=VALUE"))
    var settings: [String] = []

    func overrides() throws -> [SettingOverride] { try settings.map(SettingOverride.init(commandLine:)) }
}

/// `--no-timings` where a report has no times to zero: accepted, so that every command takes it.
struct NoTimingsFlag: ParsableArguments {
    @Flag(name: .customLong("no-timings"), help: "Accepted for symmetry with other commands: this report has no timings.") var noTimings = false
}

/// What shell completion offers for ids: the catalogue's, read when the shell asks (so a catalogue set
/// by $SPLITPLAN_CATALOG is offered too), and the designs.
enum CompletionIDs {
    static let designs = CompletionKind.list(["all"] + Design.allCases.map(\.rawValue))
    static let machines = CompletionKind.custom { _, _, _ in catalog().map { $0.machines.keys.map(\.rawValue).sorted() } ?? [] }
    static let models = CompletionKind.custom { _, _, _ in catalog().map { $0.models.keys.map(\.rawValue).sorted() } ?? [] }
    static let entries = CompletionKind.custom { _, _, _ in
        catalog().map { ($0.machines.keys.map(\.rawValue) + $0.gpus.keys.map(\.rawValue) + $0.models.keys.map(\.rawValue)).sorted() } ?? []
    }

    private static func catalog() -> Catalog? { try? Catalog.load(directory: BundledResources.catalogDirectory()) }
}
