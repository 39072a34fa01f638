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
