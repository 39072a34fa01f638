import ClusterModel
import Foundation
import Throughput

/// A scenario loaded the way every command loads one: the file (or the bundled default), its catalogue,
/// every reference checked, its traces read.
struct ScenarioSession {
    var scenario: Scenario
    var catalog: Catalog
    var traces: [URL: Trace]

    init(path: String?, catalogOptions: CatalogOptions) throws {
        let url = try path.map(InputFile.url) ?? BundledResources.defaultScenario()
        scenario = try Scenario.load(url)
        catalog = try scenario.applyingCatalogOverrides(to: catalogOptions.load(scenario: scenario))
        try scenario.checkReferences(in: catalog)
        try scenario.checkDeployable(in: catalog)
        traces = try scenario.loadTraces()
    }
}
