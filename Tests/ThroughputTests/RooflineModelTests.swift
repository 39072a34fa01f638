import ClusterModel
import Foundation
import Testing
@testable import Throughput

@Suite struct RooflineModelTests {
    /// Per layer: Q,O = 2·1024·1024 = 2,097,152; K,V = 2·1024·256 = 524,288; MLP = 3·1024·4096 = 12,582,912.
    @Test func toyShapeByHand() {
        #expect(Toy.model.parametersPerLayer == 15_204_352)
        #expect(Toy.model.kvBytesPerToken == 2 * 2 * 2 * 128 * 2)
    }

    /// Prefill of one 1000-token prompt at TP 1, no overheads: compute-bound.
    /// FLOPs/layer = 2·15,204,352·1000 + 2·1000²·1024 = 32,456,704,000; at 100 TFLOPS × 0.5 → 649.13 µs.
    /// Every GEMM is compute-bound (QKV: 62.9 µs of FLOPs against 5.2 µs for 1,572,864 weight and 2,560,000
    /// activation bytes), and so is attention (40.96 µs against 1.28 µs of KV writes).
    /// Head (one sequence): 1000·1024 weights + 1024 + 1000 activation bytes at 800 GB/s → 1.2825 µs.
    @Test func prefillComputeBoundByHand() throws {
        let deployment = try Deployment(model: Toy.model, machine: Toy.machine(gpuCount: 1), gpu: Toy.gpu)
        let seconds = RooflineModel(deployment).prefillSeconds(promptTokens: 1000)
        let layer = (2 * 15_204_352.0 * 1000 + 2 * 1e6 * 1024) / 50e12
        let headBytes: Double = 1000 * 1024 + 2024
        let head = max(2 * 1000 * 1024.0 / 50e12, headBytes / 800e9)
        #expect(abs(seconds - (2 * layer + head)) < 1e-12)
    }

    /// Decode of 4 sequences at 500 context, TP 1: memory-bound.
    /// GEMMs stream 15,204,352 weight bytes plus 4 rows of Σ(inputs + outputs) = 18,944 activations
    /// (15,280,128 bytes → 19.1 µs at 800 GB/s; their FLOPs take 2.4 µs); attention reads 2000·1024 KV
    /// bytes once per query head sharing a KV head (8 / 2 = 4 times) at 0.8 × 1000 GB/s → 10.24 µs.
    @Test func decodeMemoryBoundByHand() throws {
        let deployment = try Deployment(model: Toy.model, machine: Toy.machine(gpuCount: 1), gpu: Toy.gpu)
        let seconds = RooflineModel(deployment).decodeStepSeconds(batch: 4, contextTokens: 500)
        let gemmBytes: Double = 15_204_352 + 4 * 18_944
        let kvBytes: Double = 4 * 2000 * 1024
        let layer: Double = gemmBytes / 800e9 + kvBytes / 800e9
        let headBytes: Double = 1000 * 1024 + 4 * 2024
        let head = max(2 * 1000 * 1024 * 4.0 / 50e12, headBytes / 800e9)
        #expect(abs(seconds - (2 * layer + head)) < 1e-12)
    }

    /// A GEMM ramp of 1000 tokens halves compute efficiency at M = 1000 (each layer GEMM's FLOPs take twice
    /// as long, still compute-bound) and cuts it 1001-fold for the head's single row (41 µs, not 1.28 µs of
    /// weight reads); each of the 5 GEMMs adds 1 µs; the prompt adds 0.1 + 2 ms of per-sequence time.
    @Test func gemmRampAndSequenceOverheadsByHand() throws {
        var calibration = Toy.calibration()
        calibration.gemmRampTokens = 1000
        calibration.gemmOverheadSeconds = 1e-6
        calibration.sequenceOverheadSeconds = 1e-4
        calibration.prefillSequenceOverheadSeconds = 2e-3
        let deployment = try Deployment(model: Toy.model, machine: Toy.machine(calibration: calibration, gpuCount: 1), gpu: Toy.gpu)
        let seconds = RooflineModel(deployment).prefillSeconds(promptTokens: 1000)
        let gemms: Double = 2 * (2 * 15_204_352 * 1000) / 50e12 + 4 * 1e-6
        let attention: Double = 2 * 1e6 * 1024 / 50e12
        let head: Double = 2 * 1000 * 1024 * 1001 / 50e12 + 1e-6
        let expected: Double = 2 * (gemms + attention) + head + 1e-4 + 2e-3
        #expect(abs(seconds - expected) < 1e-12)
    }

    /// `decodeBatchGrowth` g costs a batch of B as 1 + g·(B − 1) sequences of its mean context: at g = 0 a
    /// batch of 64 at mean context 1000 takes exactly one sequence's step at 1000; at g = 0.5 a batch of 5
    /// takes three sequences' step; in a mixed iteration the decodes add what they add to a lone one.
    @Test func decodeBatchGrowthCostsFewerSequences() throws {
        var calibration = Toy.calibration(overheads: true)
        calibration.sequenceOverheadSeconds = 1e-4
        let measured = RooflineModel(try Deployment(model: Toy.model, machine: Toy.machine(calibration: calibration, gpuCount: 1), gpu: Toy.gpu))
        func model(growth: Double) throws -> RooflineModel {
            calibration.decodeBatchGrowth = growth
            return RooflineModel(try Deployment(model: Toy.model, machine: Toy.machine(calibration: calibration, gpuCount: 1), gpu: Toy.gpu))
        }
        let flat = try model(growth: 0), half = try model(growth: 0.5)
        let one = measured.decodeStepSeconds(batch: 1, contextTokens: 1000)
        #expect(measured.decodeStepSeconds(batch: 64, contextTokens: 1000) > 1.5 * one)
        #expect(abs(flat.decodeStepSeconds(DecodeBatch(sequences: 64, totalContextTokens: 64_000)) - one) < 1e-15)
        #expect(abs(half.decodeStepSeconds(DecodeBatch(sequences: 5, totalContextTokens: 5 * 800))
                    - measured.decodeStepSeconds(batch: 3, contextTokens: 800)) < 1e-15)
        let chunk = PrefillBatch(prompts: [512])
        #expect(abs(flat.mixedStepSeconds(prefill: chunk, decode: DecodeBatch(batch: 64, contextTokens: 1000))
                    - measured.mixedStepSeconds(prefill: chunk, decode: DecodeBatch(batch: 1, contextTokens: 1000))) < 1e-15)
        #expect(flat.prefillSeconds(chunk) == measured.prefillSeconds(chunk))
    }

    /// A decode step costed from its batch-size parts (`DecodeStepParts`, which simulations keep per batch
    /// size) is, bit for bit, the step written out whole: costed layer work, each GEMM's roofline, attention's
    /// slower bound, two all-reduces, the layers' overheads, the head and the step's overheads. At TP 4 with
    /// overheads, full power and a 0.5 cap (slower compute), the batch as it is and at `decodeBatchGrowth` 0.5.
    @Test func decodeStepFromPartsIsTheWholeStep() throws {
        var random = SplitMix64(seed: 17)
        for (growth, capFraction) in [(1.0, 1.0), (0.5, 1.0), (1.0, 0.5), (0.5, 0.5)] {
            var calibration = Toy.calibration(overheads: true)
            calibration.sequenceOverheadSeconds = 1e-4
            calibration.gemmRampTokens = 64
            calibration.decodeBatchGrowth = growth
            let deployment = try Deployment(model: Toy.model, machine: Toy.machine(calibration: calibration), gpu: Toy.gpu,
                                            powerCapFraction: capFraction)
            let model = RooflineModel(deployment)
            let speed = PowerModel(deployment).computeSpeed(phaseWatts: Toy.gpu.tokenWatts)
            #expect(capFraction == 1 ? speed == 1 : speed < 1)
            for _ in 0..<200 {
                let batch = DecodeBatch(sequences: 1 + random.nextIndex(300), totalContextTokens: random.nextIndex(2_000_000))
                var layer = Toy.model.decodeLayerCost(batch), sequences = Double(batch.sequences)
                if growth < 1 {
                    let share = (1 + growth * (sequences - 1)) / sequences
                    layer = LayerCost(gemmTokens: layer.gemmTokens * share, attentionFLOPs: layer.attentionFLOPs * share,
                                      kvBytes: layer.kvBytes * share, allReduceBytes: layer.allReduceBytes * share)
                    sequences *= share
                }
                let attention = max(layer.attentionFLOPs / (4 * 100e12 * 0.5 * speed), layer.kvBytes / (4 * 1000e9 * 0.8))
                let perLayer = model.layerGEMMSeconds(tokens: layer.gemmTokens, speed: speed) + attention
                    + 2 * model.allReduceSeconds(bytes: layer.allReduceBytes)
                let whole = 2 * (perLayer + 2e-5) + model.gemmSeconds(Toy.model.headGEMM, tokens: sequences, speed: speed) + 1e-3 + 1e-4 * sequences
                #expect(model.decodeStepSeconds(batch) == whole, "growth \(growth), cap \(capFraction), \(batch)")
                #expect(model.mixedStepSeconds(prefill: .empty, decode: batch) == whole)
            }
        }
    }

    /// TP 4 with overheads: work splits by 4; each layer adds 2 all-reduces of 4000·1024 bytes
    /// (1,000,000 bytes at full speed, the other 3,096,000 three times slower), ring factor 1.5,
    /// at 50 GB/s, plus 2 hops × 10 µs latency; plus 20 + 30 µs per layer and 1 ms per step.
    @Test func tensorParallelOverheadsByHand() throws {
        let deployment = try Deployment(model: Toy.model, machine: Toy.machine(calibration: Toy.calibration(overheads: true)), gpu: Toy.gpu, tensorParallel: 4)
        let seconds = RooflineModel(deployment).prefillSeconds(promptTokens: 1000, batch: 4)
        let flops: Double = 2 * 15_204_352 * 4000 + 2 * 4 * 1_000_000 * 1024
        let compute: Double = flops / 200e12
        let messageBytes: Double = 1_000_000 + 3 * 3_096_000
        let allReduce: Double = 2 * (2e-5 + messageBytes * 1.5 / 50e9)
        let headCompute: Double = 2 * 1000 * 1024 * 4 / 200e12
        let headMemory: Double = (1000 * 1024 + 4 * 2024) / 3200e9
        let layer: Double = compute + allReduce + 3e-5 + 2e-5
        let expected: Double = 2 * layer + max(headCompute, headMemory) + 1e-3
        #expect(abs(seconds - expected) < 1e-12)
    }

    /// A 50 % GPU limit of 200 W: prefill (500 W) runs at ((200−100)/(500−100))^(1/3) = 0.63 of full compute speed.
    @Test func powerCapSlowsComputeByTheCubeRoot() throws {
        let capped = try Deployment(model: Toy.model, machine: Toy.machine(gpuCount: 1), gpu: Toy.gpu, powerCapFraction: 0.5)
        #expect(abs(PowerModel(capped).computeSpeed(phaseWatts: 500) - pow(0.25, 1.0 / 3)) < 1e-12)
        #expect(PowerModel(capped).computeSpeed(phaseWatts: 150) == 1)
    }

    @Test func invalidDeployments() {
        #expect(throws: ThroughputError.invalidTensorParallel(machine: "toy-machine", gpuCount: 4, requested: 3)) {
            try Deployment(model: Toy.model, machine: Toy.machine(), gpu: Toy.gpu, tensorParallel: 3)
        }
        #expect(throws: ThroughputError.powerCapNotAllowed(machine: "toy-machine", requested: 0.7, allowed: [1, 0.5])) {
            try Deployment(model: Toy.model, machine: Toy.machine(), gpu: Toy.gpu, powerCapFraction: 0.7)
        }
        var huge = Toy.model
        huge.parameterCountBillions = 1000
        #expect { try Deployment(model: huge, machine: Toy.machine(), gpu: Toy.gpu) } throws: {
            if case .modelDoesNotFit = $0 as? ThroughputError { return true } else { return false }
        }
    }

    /// 1500 tokens × 327,680 B = 491.52 MB over the slower machine, the DGX-A100: 8 NICs × 200 Gb/s =
    /// 1.6 Tb/s (200 GB/s), so 2.4576 ms; overlapped with a 200 ms prefill only the last of 80 layers'
    /// share, 30.72 µs, is left visible. With a 1 ms prefill the link is the bottleneck instead.
    @Test func kvTransferByHand() throws {
        let catalog = try Catalog.load(directory: Repository.catalog)
        let model = try #require(catalog.models["llama2-70b"]), a100 = try #require(catalog.machines["dgx-a100"])
        let h100 = try #require(catalog.machines["dgx-h100"])
        let transfer = KVTransfer(model: model, from: h100, to: a100)
        #expect(abs(transfer.totalSeconds(promptTokens: 1500) - 0.0024576) < 1e-12)
        #expect(abs(transfer.linkTailSeconds(promptTokens: 1500, prefillSeconds: 0.2) - 0.0024576 / 80) < 1e-12)
        #expect(abs(transfer.linkTailSeconds(promptTokens: 1500, prefillSeconds: 0.001) - (0.0024576 - 0.001 * 79 / 80)) < 1e-12)
        // The slower endpoint's setup, the DGX-A100's 7.975 ms, comes on top.
        #expect(abs(transfer.visibleSeconds(promptTokens: 1500, prefillSeconds: 0.2) - (0.0024576 / 80 + 0.007975)) < 1e-12)
    }

    /// Splitwise measured about 8 ms (DGX-A100) and 5 ms (DGX-H100) of layer-wise KV transfer left
    /// visible, under 7 % of prompt time. By hand, Llama2-70B (327,680 B per token) at the traces'
    /// median prompts, where prefill (well over the whole transfer) hides all but the last of 80 layers:
    /// - DGX-A100, 8 × 200 Gb/s = 200 GB/s: 1020 tokens = 334,233,600 B = 1.671168 ms, / 80 = 20.8896 µs,
    ///   + 7.975 ms setup = 7.9958896 ms; 1469 tokens = 2.4068096 ms, / 80 = 30.08512 µs → 8.00508512 ms.
    /// - DGX-H100, 8 × 400 Gb/s = 400 GB/s: 1020 tokens = 0.835584 ms, / 80 = 10.4448 µs, + 4.99 ms setup
    ///   = 5.0004448 ms; 1469 tokens = 1.2034048 ms, / 80 = 15.04256 µs → 5.00504256 ms.
    @Test(arguments: [("dgx-a100", 1020, 7.9958896e-3, 8e-3), ("dgx-a100", 1469, 8.00508512e-3, 8e-3),
                      ("dgx-h100", 1020, 5.0004448e-3, 5e-3), ("dgx-h100", 1469, 5.00504256e-3, 5e-3)])
    func kvTransferVisibleTimeMatchesSplitwise(machine: String, promptTokens: Int, byHand: Double, splitwise: Double) throws {
        let catalog = try Catalog.load(directory: Repository.catalog)
        let model = try #require(catalog.models["llama2-70b"]), spec = try #require(catalog.machines[MachineID(machine)])
        let prefill = RooflineModel(try Deployment(model: model, machine: spec, catalog: catalog)).prefillSeconds(promptTokens: promptTokens)
        let visible = KVTransfer(model: model, from: spec, to: spec).visibleSeconds(promptTokens: promptTokens, prefillSeconds: prefill)
        #expect(abs(visible - byHand) < 1e-12)
        #expect(abs(visible - splitwise) < 1e-4)
        #expect(visible / prefill < 0.07)
    }
}
