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
            help: ArgumentHelp("Designs, comma-separated, or `all` (default: the scenario's); --design is the same option.", valueName: "LIST"))
    var designs: String?
    @Option(help: ArgumentHelp("Candidate machine ids, comma-separated (default: the scenario's, else every catalogue machine).", valueName: "LIST"))
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
