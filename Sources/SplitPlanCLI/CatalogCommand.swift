import ArgumentParser
import ClusterModel
import Foundation
import Reporting

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the machines, GPUs and models of the catalogue.",
        discussion: """
            Examples:
              splitplan catalog
              splitplan catalog --catalog ./my-catalog --format json
              splitplan catalog show dgx-h100
            """,
        subcommands: [CatalogShowCommand.self]
    )

    @OptionGroup var timings: NoTimingsFlag
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        let catalog = try catalogOptions.load()
        try output.write(tables: CatalogTables.tables(catalog), json: CatalogListing(catalog), provenance: Provenance(catalog: catalog, inputs: []),
                         title: "SplitPlan catalogue")
    }
}

struct CatalogShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every figure of one catalogue entry, with its source.",
        discussion: "Example: splitplan catalog show llama2-70b"
    )

    @Argument(help: "A machine, GPU or model id.", completion: CompletionIDs.entries)
    var id: String

    @OptionGroup var timings: NoTimingsFlag
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        let catalog = try catalogOptions.load()
        guard let entry = CatalogEntry(id: id, in: catalog) else {
            let known = (catalog.machines.keys.map(\.rawValue) + catalog.gpus.keys.map(\.rawValue)
                + catalog.models.keys.map(\.rawValue)).sorted()
            throw ValidationError("no catalogue entry '\(id)'; known: \(known.joined(separator: ", "))")
        }
        try output.write(tables: [entry.table()], json: entry.fields, provenance: Provenance(catalog: catalog, inputs: []),
                         title: "SplitPlan catalogue: \(id)")
    }
}
