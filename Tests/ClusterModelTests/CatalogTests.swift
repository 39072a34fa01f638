import ClusterModel
import Foundation
import Testing

/// The project's root, found from this file's path, so tests read the shipped catalogue and fixtures.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = root.appendingPathComponent("Catalog")
    static let traces = root.appendingPathComponent("Scenarios/traces")
}

@Suite struct CatalogTests {
    let catalog: Catalog

    init() throws { catalog = try Catalog.load(directory: Repository.catalog) }

    @Test func shipsTheEntriesTheDesignNames() {
        #expect(catalog.gpus.keys.sorted().map(\.rawValue) == ["a100-80gb", "a40-48gb", "h100-80gb", "h200-141gb", "l40s-48gb"])
        #expect(catalog.machines.keys.sorted().map(\.rawValue) == ["a40-8x", "dgx-a100", "dgx-h100", "dgx-h200", "l40s-8x"])
        #expect(catalog.models.keys.sorted().map(\.rawValue) == ["bloom-176b", "llama2-70b", "llama3-70b", "llama3-8b"])
    }

    /// 2 (K and V) · layers · kvHeads · headDim · 2 bytes, by hand.
    @Test(arguments: [("llama2-70b", 2 * 80 * 8 * 128 * 2), ("bloom-176b", 2 * 70 * 112 * 128 * 2),
                      ("llama3-8b", 2 * 32 * 8 * 128 * 2), ("llama3-70b", 2 * 80 * 8 * 128 * 2)])
    func kvBytesPerTokenIsGQAAware(model: String, bytes: Int) throws {
        let spec = try #require(catalog.models[ModelID(model)])
        #expect(spec.kvBytesPerToken == Double(bytes))
    }

    @Test func llama2KVBytesPerTokenIs327680() throws {
        #expect(try #require(catalog.models["llama2-70b"]).kvBytesPerToken == 327_680)
    }

    /// Published parameter counts (model cards) against the count derived from the shape.
    @Test(arguments: [("llama2-70b", 68.98), ("bloom-176b", 176.25), ("llama3-8b", 8.03), ("llama3-70b", 70.55)])
    func shapeImpliesThePublishedParameterCount(model: String, publishedBillions: Double) throws {
        let spec = try #require(catalog.models[ModelID(model)])
        #expect(abs(spec.derivedParameterCount / 1e9 - publishedBillions) / publishedBillions < 0.005)
    }

    @Test func machinesMatchSplitwiseTableI() throws {
        let a100 = try #require(catalog.machines["dgx-a100"]), h100 = try #require(catalog.machines["dgx-h100"])
        #expect(a100.pricePerHourUSD == 17.6 && a100.powerKW == 6.5 && a100.gpuCount == 8)
        #expect(h100.pricePerHourUSD == 38 && h100.powerKW == 10.2)
        // HHcap: 70 % of machine power is 7.14 kW, 350 W per GPU.
        let cap = try #require(h100.powerCap(fraction: 0.7))
        #expect(abs(h100.provisionedPowerKW(capFraction: cap.fraction) - 7.14) < 1e-9 && cap.gpuPowerLimitWatts == 350)
    }

    @Test func everyFigureHasASource() throws {
        for gpu in catalog.sortedGPUs {
            for key in ["denseFP16TFLOPS", "memoryGiB", "memoryBandwidthGBps", "tdpWatts", "idleWatts"] {
                #expect(gpu.sources[key] != nil, "\(gpu.id).\(key)")
            }
        }
        for machine in catalog.sortedMachines {
            #expect(machine.sources["pricePerHourUSD"] != nil && machine.sources["powerKW"] != nil)
            #expect(!machine.calibration.source.isEmpty)
        }
    }

    /// One NIC per GPU: Azure ND A100 v4 has 8 × 200 Gb/s HDR (1.6 Tb/s), ND H100 v5 8 × 400 Gb/s NDR
    /// (3.2 Tb/s); an 8×L40S g6e.48xlarge has 400 Gb/s of EFA for the whole machine.
    @Test(arguments: [("dgx-a100", 200.0, 1600.0), ("dgx-h100", 400, 3200), ("dgx-h200", 400, 3200), ("l40s-8x", 50, 400)])
    func networkIsPerGPUTimesGPUs(machine: String, perGPU: Double, perMachine: Double) throws {
        let spec = try #require(catalog.machines[MachineID(machine)])
        #expect(spec.infinibandGbpsPerGPU == perGPU && spec.infinibandGbpsPerMachine == perMachine)
        #expect(spec.infinibandBytesPerSecondPerMachine == perMachine * 1e9 / 8)
    }

    /// A catalogue written for the old per-machine key is told the new key's name.
    @Test func oldNetworkKeyNamesItsReplacement() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for folder in ["gpus", "machines", "models"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: Repository.catalog.appendingPathComponent(folder).path) {
                try FileManager.default.copyItem(at: Repository.catalog.appendingPathComponent("\(folder)/\(name)"),
                                                 to: directory.appendingPathComponent("\(folder)/\(name)"))
            }
        }
        let file = directory.appendingPathComponent("machines/dgx-a100.json")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "infinibandGbpsPerGPU", with: "infinibandGbps")
        try Data(text.utf8).write(to: file)
        let error = try #require(throws: ClusterModelError.self) { try Catalog.load(directory: directory) }
        #expect(error.description.contains("dgx-a100.json: infinibandGbps is no longer read; use \"infinibandGbpsPerGPU\""))
    }
}
