import ArgumentParser
import ClusterModel
import Foundation

/// `--catalog DIR`, shared by every command that reads the catalogue.
struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Catalogue directory (with gpus/, machines/, models/).", valueName: "DIR"))
    var catalog: String?

    /// The flag, else the scenario's `catalog`, else $SPLITPLAN_CATALOG, else the bundled catalogue.
    func load(scenario: Scenario? = nil) throws -> Catalog {
        if let catalog { return try Catalog.load(directory: URL(fileURLWithPath: catalog)) }
        if let directory = scenario?.catalogDirectory { return try Catalog.load(directory: directory) }
        return try Catalog.load(directory: try BundledResources.catalogDirectory())
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
