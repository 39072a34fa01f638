import ClusterModel
import Foundation
import Throughput

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = root.appendingPathComponent("Catalog")
    static let profile = root.appendingPathComponent("Tests/Fixtures/llama2-70b-vllm-a100-h100.csv")
    /// Measured like `profile`, on an architecture the shipped constants were not fitted on.
    static let bloomProfile = root.appendingPathComponent("Tests/Fixtures/bloom-176b-a100-h100.csv")
    static let vidur = root.appendingPathComponent("Tests/Fixtures/vidur")
}

/// A toy GPU and machine with round numbers, so expected times can be worked out by hand.
enum Toy {
    static let gpu = GPUSpec(id: "toy-gpu", name: "toy", denseFP16TFLOPS: 100, memoryGiB: 64, memoryBandwidthGBps: 1000,
                             interconnectGBps: 100, tdpWatts: 500, idleWatts: 100, promptWatts: 500, tokenWatts: 300)

    static func calibration(overheads: Bool = false) -> MachineCalibration {
        MachineCalibration(computeEfficiency: 0.5, memoryEfficiency: 0.8, decodeAttentionEfficiency: 0.8, allReduceEfficiency: 0.5,
                           allReduceLatencySeconds: overheads ? 1e-5 : 0, largeMessageAllReduceSlowdown: 3,
                           largeMessageBytes: 1_000_000, layerOverheadSeconds: overheads ? 2e-5 : 0,
                           prefillLayerOverheadSeconds: overheads ? 3e-5 : 0, stepOverheadSeconds: overheads ? 1e-3 : 0, source: "test")
    }

    static func machine(calibration: MachineCalibration = calibration(), gpuCount: Int = 4) -> MachineSpec {
        MachineSpec(id: "toy-machine", name: "toy", gpu: "toy-gpu", gpuCount: gpuCount, infinibandGbpsPerGPU: 20, pricePerHourUSD: 10,
                    powerKW: 3, powerCaps: [PowerCap(fraction: 1, gpuPowerLimitWatts: 500), PowerCap(fraction: 0.5, gpuPowerLimitWatts: 200)],
                    calibration: calibration)
    }

    /// 2 layers, hidden 1024, 8 query heads and 2 KV heads of 128, MLP 4096 (gated), vocab 1000, 1 byte weights.
    static let model = ModelSpec(id: "toy-model", name: "toy", layers: 2, hiddenSize: 1024, queryHeads: 8, kvHeads: 2, headDim: 128,
                                 ffnSize: 4096, ffnMatrices: 3, vocabSize: 1000, tiedEmbeddings: false,
                                 parameterCountBillions: 0.0315, bytesPerWeight: 1, bytesPerKVElement: 2, maxContextTokens: 4096)
}
