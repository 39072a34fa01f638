@testable import ClusterModel
import Foundation
import Testing

@Suite struct CatalogOverrideTests {
    static var paperPower: [String: Any] { ["key": "machine.dgx-a100.powerKW", "value": 5.83, "source": "Splitwise iso-power accounting"] }

    @Test func overridesReplaceCatalogueValuesInACopy() throws {
        let sandbox = try ScenarioSandbox()
        let scenario = try Scenario.load(try sandbox.scenario {
            $0["catalogOverrides"] = [Self.paperPower, ["key": "gpu.h100-80gb.tdpWatts", "value": 650, "source": "measured"]]
        })
        #expect(scenario.catalogOverrides.map(\.source) == ["Splitwise iso-power accounting", "measured"])
        let catalog = try Catalog.load(directory: Repository.catalog)
        let overridden = try scenario.applyingCatalogOverrides(to: catalog)
        #expect(overridden.machines["dgx-a100"]?.powerKW == 5.83 && overridden.gpus["h100-80gb"]?.tdpWatts == 650)
        #expect(catalog.machines["dgx-a100"]?.powerKW == 6.5)
        // The same key syntax and the same code path as `compare --set`.
        let commandLine = try SettingOverride(commandLine: "machine.dgx-a100.powerKW=5.83")
        #expect(try SettingOverride.apply([commandLine], catalog: catalog, scenario: scenario).0.machines["dgx-a100"]?.powerKW == 5.83)
    }

    /// Scheduler settings take the same values on the command line as in the file, under the same rules.
    @Test func schedulerSettingsFromTheCommandLine() throws {
        let sandbox = try ScenarioSandbox()
        let scenario = try Scenario.load(try sandbox.scenario { $0["scheduler"] = ["promptTokenBudget": 4096, "borrowing": false] })
        #expect(scenario.scheduler.promptTokenBudget == 4096 && !scenario.scheduler.borrowing)
        let catalog = try Catalog.load(directory: Repository.catalog)
        let settings = try ["scheduler.promptTokenBudget=1000000", "scheduler.borrowing=true", "scheduler.tokenOverflowKVShare=0.5"]
            .map { try SettingOverride(commandLine: $0) }
        let changed = try SettingOverride.apply(settings, catalog: catalog, scenario: scenario).1.scheduler
        #expect(changed.promptTokenBudget == 1_000_000 && changed.borrowing && changed.tokenOverflowKVShare == 0.5)
        for (bad, allowed) in [("scheduler.promptTokenBudget=1.5", "an integer"), ("scheduler.promptTokenBudget=0", ">= 1"),
                               ("scheduler.borrowing=yes", "true or false"), ("scheduler.chunking=1", "scheduler.<borrowing|")] {
            let setting = try SettingOverride(commandLine: bad)
            let error = try #require(throws: ClusterModelError.self) { try SettingOverride.apply([setting], catalog: catalog, scenario: scenario) }
            #expect(error.description.contains(allowed) && error.description.contains("--set"), "\(error)")
        }
    }

    /// The optional what-if `calibration.decodeBatchGrowth` is 1 when a file leaves it out, set from the command
    /// line like any catalogue value, and held to 0...1.
    @Test func decodeBatchGrowthIsAnOptionalCalibrationValue() throws {
        let sandbox = try ScenarioSandbox()
        let scenario = try Scenario.load(try sandbox.scenario { _ in })
        let catalog = try Catalog.load(directory: Repository.catalog)
        #expect(catalog.machines["dgx-a100"]?.calibration.decodeBatchGrowth == 1)
        let flat = try SettingOverride(commandLine: "machine.dgx-a100.calibration.decodeBatchGrowth=0")
        let changed = try SettingOverride.apply([flat], catalog: catalog, scenario: scenario).0
        #expect(changed.machines["dgx-a100"]?.calibration.decodeBatchGrowth == 0)
        #expect(changed.machines["dgx-a100"]?.calibration.computeEfficiency == catalog.machines["dgx-a100"]?.calibration.computeEfficiency)
        let bad = try SettingOverride(commandLine: "machine.dgx-a100.calibration.decodeBatchGrowth=1.5")
        let error = try #require(throws: ClusterModelError.self) { try SettingOverride.apply([bad], catalog: catalog, scenario: scenario) }
        #expect(error.description.contains(">= 0 and <= 1") && error.description.contains("1.5"), "\(error)")
    }

    /// Each bad entry is reported with the file, its JSON path, the bad value and what is allowed.
    @Test(arguments: [
        ("key", "\"machine.dgx-a100.price\"", "catalogOverrides[0].key", "machine.<id>.(pricePerHourUSD|powerKW|"),
        ("key", "\"budget.powerKW\"", "catalogOverrides[0].key", "a catalogue key"),
        ("key", "\"machine.dgx-a100.infinibandGbps\"", "catalogOverrides[0].key", "infinibandGbpsPerGPU"),
        ("value", "-1", "catalogOverrides[0].value", "a number >= 0.001 and <= 10000"),
        ("value", "\"5.83\"", "catalogOverrides[0].value", "a number >= 0.001"),
        ("source", "\"  \"", "catalogOverrides[0].source", "a non-empty citation"),
    ])
    func badEntriesNameFilePathValueAndAllowed(member: String, literal: String, jsonPath: String, allowed: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
        let sandbox = try ScenarioSandbox()
        var entry = Self.paperPower
        entry[member] = value
        let file = try sandbox.scenario { $0["catalogOverrides"] = [entry] }
        let error = try #require(throws: ClusterModelError.self) { try Scenario.load(file) }
        guard case .invalidValue(file.path, jsonPath, _, let said) = error else { Issue.record("unexpected \(error)"); return }
        #expect(said.contains(allowed), "\(said)")
    }

    @Test func missingSourceAndUnknownMembersAreRejected() throws {
        let sandbox = try ScenarioSandbox()
        var unsourced = Self.paperPower
        unsourced["source"] = nil
        let noSource = try sandbox.scenario { $0["catalogOverrides"] = [unsourced] }
        #expect { try Scenario.load(noSource) } throws: {
            if case .missingKey(_, "catalogOverrides[0].source", _) = $0 as? ClusterModelError { return true } else { return false }
        }
        var extra = Self.paperPower
        extra["note"] = "x"
        let unknown = try sandbox.scenario { $0["catalogOverrides"] = [extra] }
        #expect(throws: ClusterModelError.unknownKey(path: unknown.path, jsonPath: "catalogOverrides[0].note", allowed: ["key", "value", "source"])) {
            try Scenario.load(unknown)
        }
    }

    /// Ids are looked up when the overrides are applied to a catalogue, and reported at the key.
    @Test func unknownMachineIsReportedAtTheKey() throws {
        let sandbox = try ScenarioSandbox()
        let scenario = try Scenario.load(try sandbox.scenario {
            $0["catalogOverrides"] = [["key": "machine.tpu-v9.powerKW", "value": 5, "source": "x"]]
        })
        let catalog = try Catalog.load(directory: Repository.catalog)
        #expect { try scenario.applyingCatalogOverrides(to: catalog) } throws: {
            if case .unknownReference(_, "catalogOverrides[0].key", "tpu-v9", "machine", _) = $0 as? ClusterModelError { return true }
            return false
        }
    }

    /// The shipped iso-power scenarios use the paper's power accounting: 70 DGX-A100s fit 40 DGX-H100s' 408 kW.
    @Test func shippedIsoPowerScenariosFitSeventyA100s() throws {
        let catalog = try Catalog.load(directory: Repository.catalog)
        let scenarios = Repository.root.appendingPathComponent("Scenarios")
        for name in try FileManager.default.contentsOfDirectory(atPath: scenarios.path) where name.hasSuffix("iso-power.json") {
            let scenario = try Scenario.load(scenarios.appendingPathComponent(name))
            let a100 = try #require(try scenario.applyingCatalogOverrides(to: catalog).machines["dgx-a100"])
            let budget = try #require(scenario.budget.powerKW)
            #expect(Int(budget / a100.powerKW) == 70 && scenario.catalogOverrides.allSatisfy { !($0.source ?? "").isEmpty }, "\(name)")
        }
    }

    /// The JSON Schema and the loader agree: the same top-level keys, and the same override keys and fields.
    @Test func schemaAgreesWithTheLoader() throws {
        let url = Repository.root.appendingPathComponent("schema/scenario.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(Scenario.keys))
        let definitions = try #require(schema["$defs"] as? [String: Any])
        let entry = try #require(definitions["catalogOverride"] as? [String: Any])
        #expect(Set(try #require(entry["required"] as? [String])) == ["key", "value", "source"])
        let pattern = try #require(((entry["properties"] as? [String: Any])?["key"] as? [String: Any])?["pattern"] as? String)
        let expected = "^(machine\\.[a-z][a-z0-9-]*\\.(" + SettingOverride.machineFields.map(\.name).joined(separator: "|")
            + ")|gpu\\.[a-z][a-z0-9-]*\\.(" + SettingOverride.gpuFields.map(\.name).joined(separator: "|") + "))$"
        #expect(pattern == expected)
    }
}

/// A catalogue folder over another is an overlay: a machine file adds a machine or replaces the one of
/// its id; the folders it lacks come from the base.
@Test func aCatalogueFolderOverlaysTheBase() throws {
    let base = try Catalog.load(directory: Repository.catalog)
    let overlay = FileManager.default.temporaryDirectory.appendingPathComponent("overlay-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: overlay.appendingPathComponent("machines"), withIntermediateDirectories: true)
    let h100 = try String(contentsOf: Repository.catalog.appendingPathComponent("machines/dgx-h100.json"), encoding: .utf8)
    let reserved = h100.replacingOccurrences(of: #""id": "dgx-h100""#, with: #""id": "dgx-h100-reserved""#)
        .replacingOccurrences(of: #""pricePerHourUSD": [0-9.]+"#, with: #""pricePerHourUSD": 21"#, options: .regularExpression)
    let cheaper = h100.replacingOccurrences(of: #""pricePerHourUSD": [0-9.]+"#, with: #""pricePerHourUSD": 30"#, options: .regularExpression)
    #expect(reserved != h100 && cheaper != h100)
    try Data(reserved.utf8).write(to: overlay.appendingPathComponent("machines/dgx-h100-reserved.json"))
    try Data(cheaper.utf8).write(to: overlay.appendingPathComponent("machines/dgx-h100.json"))
    let merged = try Catalog.load(directory: overlay, over: base)
    #expect(merged.machines.count == base.machines.count + 1 && merged.gpus.count == base.gpus.count && merged.models.count == base.models.count)
    #expect(merged.machines["dgx-h100-reserved"]?.pricePerHourUSD == 21 && merged.machines["dgx-h100"]?.pricePerHourUSD == 30)
    #expect(merged.machines["dgx-a100"]?.pricePerHourUSD == base.machines["dgx-a100"]?.pricePerHourUSD)
    // Alone, the same folder is not a catalogue: it has no GPUs or models.
    #expect(throws: ClusterModelError.self) { try Catalog.load(directory: overlay) }
}
