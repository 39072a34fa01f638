import ClusterModel
import Foundation
import Throughput

/// A scenario loaded the way every command loads one: the file (or the bundled default), its catalogue,
/// every reference checked, its traces read; a `--trace` replaces its workload and `--set` overrides apply.
struct ScenarioSession {
    var scenario: Scenario
    var catalog: Catalog
    var traces: [URL: Trace]

    init(path: String?, catalogOptions: CatalogOptions, trace: String? = nil, settings: [SettingOverride] = []) throws {
        let url = try path.map(InputFile.url) ?? BundledResources.defaultScenario()
        scenario = try Scenario.load(url)
        if let trace { scenario.workload = .trace(TraceWorkload(file: InputFile.url(trace))) }
        // The traces are read while the catalogue loads (they are most of a command's start); errors are
        // still reported in the order below, a trace's last.
        let named = scenario
        let reading = Pending { try named.loadTraces() }
        catalog = try scenario.applyingCatalogOverrides(to: catalogOptions.load(scenario: scenario))
        (catalog, scenario) = try SettingOverride.apply(settings, catalog: catalog, scenario: scenario)
        try scenario.checkReferences(in: catalog)
        try scenario.checkDeployable(in: catalog)
        traces = scenario.traceFiles == named.traceFiles ? try reading.value() : try scenario.loadTraces()
    }

    /// What the run read, for the report's provenance: the scenario file and its traces.
    var inputs: [Provenance.Input] {
        [Provenance.Input(path: scenario.file.path, sha256: scenario.sourceSHA256)]
            + traces.keys.sorted { $0.path < $1.path }.compactMap { url in traces[url].map { Provenance.Input(path: url.path, sha256: $0.sha256) } }
    }
}
