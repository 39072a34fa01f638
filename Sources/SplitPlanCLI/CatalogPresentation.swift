import ClusterModel
import Foundation
import Reporting
import Throughput

/// The catalogue as the `catalog` command shows it.
struct CatalogListing: Encodable {
    struct Machine: Encodable {
        var id, name, gpu: String
        var gpuCount: Int
        var pricePerHourUSD, powerKW, infinibandGbpsPerGPU, infinibandGbpsPerMachine: Double
        var powerCaps: [Double]
    }
    struct GPU: Encodable {
        var id, name: String
        var denseFP16TFLOPS, memoryGiB, memoryBandwidthGBps, tdpWatts: Double
    }
    struct Model: Encodable {
        var id, name: String
        var parameterCountBillions: Double
        var layers, queryHeads, kvHeads: Int
        var kvBytesPerToken, weightGiB: Double
    }
    var machines: [Machine]
    var gpus: [GPU]
    var models: [Model]

    init(_ catalog: Catalog) {
        machines = catalog.sortedMachines.map {
            Machine(id: $0.id.rawValue, name: $0.name, gpu: $0.gpu.rawValue, gpuCount: $0.gpuCount,
                    pricePerHourUSD: $0.pricePerHourUSD, powerKW: $0.powerKW, infinibandGbpsPerGPU: $0.infinibandGbpsPerGPU, infinibandGbpsPerMachine: $0.infinibandGbpsPerMachine,
                    powerCaps: $0.powerCaps.map(\.fraction))
        }
        gpus = catalog.sortedGPUs.map {
            GPU(id: $0.id.rawValue, name: $0.name, denseFP16TFLOPS: $0.denseFP16TFLOPS, memoryGiB: $0.memoryGiB,
                memoryBandwidthGBps: $0.memoryBandwidthGBps, tdpWatts: $0.tdpWatts)
        }
        models = catalog.sortedModels.map {
            Model(id: $0.id.rawValue, name: $0.name, parameterCountBillions: $0.parameterCountBillions, layers: $0.layers,
                  queryHeads: $0.queryHeads, kvHeads: $0.kvHeads, kvBytesPerToken: $0.kvBytesPerToken,
                  weightGiB: $0.weightBytes / 1_073_741_824)
        }
    }
}

enum CatalogTables {
    static func tables(_ catalog: Catalog) -> [ReportTable] {
        var machines = ReportTable(title: "Machines", headers: ["id", "GPUs", "USD/h", "kW", "IB Gb/s/GPU", "IB Gb/s/machine", "power caps", "name"])
        for machine in catalog.sortedMachines {
            machines.rows.append([machine.id.rawValue, "\(machine.gpuCount)x \(machine.gpu)", Format.fixed(machine.pricePerHourUSD, 2),
                             Format.fixed(machine.powerKW, 2), Format.fixed(machine.infinibandGbpsPerGPU, 0), Format.fixed(machine.infinibandGbpsPerMachine, 0),
                             machine.powerCaps.map(\.label).joined(separator: "/"), machine.name])
        }
        var gpus = ReportTable(title: "GPUs", headers: ["id", "FP16 TFLOPS", "HBM GiB", "HBM GB/s", "link GB/s", "TDP W", "name"])
        for gpu in catalog.sortedGPUs {
            gpus.rows.append([gpu.id.rawValue, Format.fixed(gpu.denseFP16TFLOPS, 0), Format.fixed(gpu.memoryGiB, 1),
                         Format.fixed(gpu.memoryBandwidthGBps, 0), Format.fixed(gpu.interconnectGBps, 0),
                         Format.fixed(gpu.tdpWatts, 0), gpu.name])
        }
        var models = ReportTable(title: "Models", headers: ["id", "params B", "layers", "hidden", "heads q/kv", "KV bytes/token", "weights GiB"])
        for model in catalog.sortedModels {
            models.rows.append([model.id.rawValue, Format.fixed(model.parameterCountBillions, 2), "\(model.layers)", "\(model.hiddenSize)",
                           "\(model.queryHeads)/\(model.kvHeads)", Format.integer(Int(model.kvBytesPerToken)),
                           Format.fixed(model.weightBytes / 1_073_741_824, 1)])
        }
        return [machines, gpus, models]
    }
}

/// One entry of any kind, as name/value/source rows.
struct CatalogEntry {
    var kind: String
    var fields: [String: String]
    var sources: [String: String]

    init?(id: String, in catalog: Catalog) {
        if let machine = catalog.machines[MachineID(id)] {
            kind = "machine"
            sources = machine.sources
            fields = ["id": id, "name": machine.name, "gpu": machine.gpu.rawValue, "gpuCount": "\(machine.gpuCount)",
                      "infinibandGbpsPerGPU": NumberFormatting.compact(machine.infinibandGbpsPerGPU),
                      "kvTransferSetupSeconds": NumberFormatting.compact(machine.kvTransferSetupSeconds),
                      "pricePerHourUSD": NumberFormatting.compact(machine.pricePerHourUSD),
                      "powerKW": NumberFormatting.compact(machine.powerKW),
                      "powerCaps": machine.powerCaps.map { "\($0.label) (\(NumberFormatting.compact($0.gpuPowerLimitWatts)) W/GPU)" }.joined(separator: ", ")]
            let calibration = machine.calibration
            for (key, value) in Mirror(reflecting: calibration).children.compactMap({ child in child.label.map { ($0, child.value) } }) {
                fields["calibration.\(key)"] = (value as? Double).map(NumberFormatting.compact) ?? "\(value)"
            }
        } else if let gpu = catalog.gpus[GPUID(id)] {
            kind = "GPU"
            sources = gpu.sources
            fields = ["id": id, "name": gpu.name, "denseFP16TFLOPS": NumberFormatting.compact(gpu.denseFP16TFLOPS),
                      "denseFP8TFLOPS": gpu.denseFP8TFLOPS.map(NumberFormatting.compact) ?? "none",
                      "memoryGiB": NumberFormatting.compact(gpu.memoryGiB),
                      "memoryBandwidthGBps": NumberFormatting.compact(gpu.memoryBandwidthGBps),
                      "interconnectGBps": NumberFormatting.compact(gpu.interconnectGBps),
                      "tdpWatts": NumberFormatting.compact(gpu.tdpWatts), "idleWatts": NumberFormatting.compact(gpu.idleWatts),
                      "promptWatts": NumberFormatting.compact(gpu.promptWatts), "tokenWatts": NumberFormatting.compact(gpu.tokenWatts)]
        } else if let model = catalog.models[ModelID(id)] {
            kind = "model"
            sources = model.sources
            fields = ["id": id, "name": model.name, "layers": "\(model.layers)", "hiddenSize": "\(model.hiddenSize)",
                      "queryHeads": "\(model.queryHeads)", "kvHeads": "\(model.kvHeads)", "headDim": "\(model.headDim)",
                      "ffnSize": "\(model.ffnSize)", "ffnMatrices": "\(model.ffnMatrices)", "vocabSize": "\(model.vocabSize)",
                      "tiedEmbeddings": "\(model.tiedEmbeddings)",
                      "parameterCountBillions": NumberFormatting.compact(model.parameterCountBillions),
                      "derivedParameterCountBillions": String(format: "%.3f", model.derivedParameterCount / 1e9),
                      "bytesPerWeight": NumberFormatting.compact(model.bytesPerWeight),
                      "bytesPerKVElement": NumberFormatting.compact(model.bytesPerKVElement),
                      "kvBytesPerToken": Format.integer(Int(model.kvBytesPerToken)),
                      "maxContextTokens": "\(model.maxContextTokens)"]
        } else {
            return nil
        }
    }

    func table() -> ReportTable {
        ReportTable(title: "\(kind) \(fields["id"] ?? "")", headers: ["figure", "value", "source"], rows: fields.keys.sorted().filter { $0 != "id" }.map { key in
            [key, fields[key] ?? "", sources[key] ?? (key.hasPrefix("calibration.") ? "see calibration.source" : "")]
        })
    }
}
