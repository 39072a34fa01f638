import ClusterModel
import Foundation

/// Step time from arithmetic intensity: per layer, each GEMM's roofline (compute or weight streaming,
/// whichever is slower), attention, two tensor-parallel all-reduces and fixed overheads; then the output
/// head, a per-step and a per-sequence overhead. Constants come from the machine's calibration, never the model.
public struct RooflineModel: PerformanceModel {
    public let deployment: Deployment
    private let power: PowerModel
    /// Unpacked once: step times are evaluated millions of times during calibration.
    private let layerGEMMs: [GEMMShape]
    private let gemmConstants: GEMMConstants
    private let decodeRates: DecodeLayerRates

    public init(_ deployment: Deployment) {
        self.deployment = deployment
        self.power = PowerModel(deployment)
        layerGEMMs = deployment.model.layerGEMMs
        gemmConstants = GEMMConstants(deployment.calibration)
        decodeRates = deployment.model.decodeLayerRates
    }

    public func prefillSeconds(_ batch: PrefillBatch) -> Double {
        guard batch.totalTokens > 0 else { return 0 }
        let speed = power.computeSpeed(phaseWatts: deployment.gpu.promptWatts)
        let layer = deployment.model.prefillLayerCost(batch)
        // Prefill attention is compute-bound (flash-style kernels); writing K and V streams at GEMM bandwidth.
        let attention = max(computeSeconds(layer.attentionFLOPs, efficiency: deployment.calibration.computeEfficiency, speed: speed),
                            memorySeconds(layer.kvBytes, efficiency: deployment.calibration.memoryEfficiency))
        let perLayer = layerGEMMSeconds(tokens: layer.gemmTokens, speed: speed) + attention
            + 2 * allReduceSeconds(bytes: layer.allReduceBytes) + deployment.calibration.prefillLayerOverheadSeconds
        return finish(perLayer: perLayer, sequences: Double(batch.sequences), speed: speed)
            + deployment.calibration.prefillSequenceOverheadSeconds * Double(batch.sequences)
    }

    public func decodeStepSeconds(_ batch: DecodeBatch) -> Double {
        guard batch.sequences > 0 else { return 0 }
        return decodeStepParts(sequences: batch.sequences).seconds(contextTokens: batch.totalContextTokens)
    }

    /// A decode step of `sequences`, unpacked: the costs that depend on the batch size only (GEMMs,
    /// all-reduces, output head, overheads) and the rates of its attention, the one part that depends on the
    /// context. A simulation keeps these per batch size, as the context changes every step and the batch
    /// seldom does; plain numbers, so costing a step reads nothing else.
    /// Inlinable: the simulator costs a decode step from these every iteration.
    @frozen public struct DecodeStepParts: Sendable {
        /// The costed share of each sequence when `decodeBatchGrowth` is below 1, else nil (the batch as it is).
        @usableFromInline let share: Double?
        @usableFromInline let rates: DecodeLayerRates
        /// Divisors of attention's FLOPs and KV bytes: the instance's compute and KV-read speeds.
        @usableFromInline let computeDivisor: Double
        @usableFromInline let memoryDivisor: Double
        @usableFromInline let gemmSeconds: Double
        @usableFromInline let allReducesSeconds: Double
        @usableFromInline let layers: Double
        @usableFromInline let layerOverheadSeconds: Double
        @usableFromInline let headSeconds: Double
        @usableFromInline let stepOverheadSeconds: Double
        @usableFromInline let sequenceOverheadSeconds: Double

        /// The step over `contextTokens` of context in all: the arithmetic, in the same order, of costing it whole.
        @inlinable public func seconds(contextTokens: Int) -> Double {
            var flops = rates.attentionFLOPs(contextTokens: contextTokens), kvBytes = rates.kvBytes(contextTokens: contextTokens)
            if let share {
                flops *= share
                kvBytes *= share
            }
            // Decode attention streams each sequence's KV blocks: its own, lower, bandwidth efficiency.
            let attention = max(flops / computeDivisor, kvBytes / memoryDivisor)
            let perLayer = gemmSeconds + attention + allReducesSeconds
            return layers * (perLayer + layerOverheadSeconds) + headSeconds + stepOverheadSeconds + sequenceOverheadSeconds
        }
    }

    public func decodeStepParts(sequences count: Int) -> DecodeStepParts {
        let calibration = deployment.calibration
        let speed = power.computeSpeed(phaseWatts: deployment.gpu.tokenWatts)
        let share = costedShare(sequences: count)
        var layer = decodeRates.cost(DecodeBatch(sequences: count, totalContextTokens: 0)), sequences = Double(count)
        if let share {
            layer = LayerCost(gemmTokens: layer.gemmTokens * share, attentionFLOPs: 0, kvBytes: 0, allReduceBytes: layer.allReduceBytes * share)
            sequences *= share
        }
        return DecodeStepParts(share: share, rates: decodeRates,
                               computeDivisor: computeDivisor(efficiency: calibration.computeEfficiency, speed: speed),
                               memoryDivisor: memoryDivisor(efficiency: calibration.decodeAttentionEfficiency),
                               gemmSeconds: layerGEMMSeconds(tokens: layer.gemmTokens, speed: speed),
                               allReducesSeconds: 2 * allReduceSeconds(bytes: layer.allReduceBytes), layers: Double(deployment.model.layers),
                               layerOverheadSeconds: calibration.layerOverheadSeconds,
                               headSeconds: gemmSeconds(deployment.model.headGEMM, tokens: sequences, speed: speed),
                               stepOverheadSeconds: calibration.stepOverheadSeconds,
                               sequenceOverheadSeconds: calibration.sequenceOverheadSeconds * sequences)
    }

    /// The decode work a step is costed for, and its sequences: the batch itself unless the calibration's
    /// `decodeBatchGrowth` is below 1, when the batch counts as 1 + g·(B − 1) sequences of its mean context.
    private func costedDecode(_ batch: DecodeBatch) -> (LayerCost, Double) {
        let layer = decodeRates.cost(batch), sequences = Double(batch.sequences)
        guard let share = costedShare(sequences: batch.sequences) else { return (layer, sequences) }
        return (LayerCost(gemmTokens: layer.gemmTokens * share, attentionFLOPs: layer.attentionFLOPs * share,
                          kvBytes: layer.kvBytes * share, allReduceBytes: layer.allReduceBytes * share), sequences * share)
    }

    private func costedShare(sequences count: Int) -> Double? {
        let growth = deployment.calibration.decodeBatchGrowth, sequences = Double(count)
        return growth < 1 ? (1 + growth * (sequences - 1)) / sequences : nil
    }

    /// Mixed continuous batching, costed as Vidur composes it from operators: the chunks' tokens and the
    /// decodes' rows go through each GEMM together (weights stream once), prefill attention (compute-bound)
    /// and decode attention (KV reads) are separate kernels, the all-reduces carry both. Prompt-phase clock
    /// speed applies under a power cap, as the chunks dominate the step. With either part empty this is
    /// exactly that phase's own step.
    public func mixedStepSeconds(prefill: PrefillBatch, decode: DecodeBatch) -> Double {
        guard prefill.totalTokens > 0 else { return decodeStepSeconds(decode) }
        guard decode.sequences > 0 else { return prefillSeconds(prefill) }
        let calibration = deployment.calibration
        let speed = power.computeSpeed(phaseWatts: deployment.gpu.promptWatts)
        let prompt = deployment.model.prefillLayerCost(prefill), (token, decodeSequences) = costedDecode(decode)
        let promptAttention = max(computeSeconds(prompt.attentionFLOPs, efficiency: calibration.computeEfficiency, speed: speed),
                                  memorySeconds(prompt.kvBytes, efficiency: calibration.memoryEfficiency))
        let tokenAttention = max(computeSeconds(token.attentionFLOPs, efficiency: calibration.computeEfficiency, speed: speed),
                                 memorySeconds(token.kvBytes, efficiency: calibration.decodeAttentionEfficiency))
        let perLayer = layerGEMMSeconds(tokens: prompt.gemmTokens + token.gemmTokens, speed: speed) + promptAttention + tokenAttention
            + 2 * allReduceSeconds(bytes: prompt.allReduceBytes + token.allReduceBytes) + calibration.prefillLayerOverheadSeconds
        return finish(perLayer: perLayer, sequences: Double(prefill.sequences) + decodeSequences, speed: speed)
            + calibration.prefillSequenceOverheadSeconds * Double(prefill.sequences)
    }

    private func finish(perLayer: Double, sequences: Double, speed: Double) -> Double {
        let calibration = deployment.calibration
        let layers = Double(deployment.model.layers)
        return layers * (perLayer + calibration.layerOverheadSeconds)
            + gemmSeconds(deployment.model.headGEMM, tokens: sequences, speed: speed)
            + calibration.stepOverheadSeconds + calibration.sequenceOverheadSeconds * sequences
    }

    func layerGEMMSeconds(tokens: Double, speed: Double) -> Double {
        layerGEMMs.reduce(0) { $0 + gemmSeconds($1, tokens: tokens, speed: speed) }
    }

    func gemmSeconds(_ shape: GEMMShape, tokens: Double, speed: Double = 1) -> Double {
        Self.gemmSeconds(weights: shape.weights, ioElements: Double(shape.inputs + shape.outputs), tokens: tokens,
                         tensorParallel: Double(deployment.tensorParallel), peakFLOPSPerSecond: deployment.gpu.peakFLOPSPerSecond,
                         bandwidthBytesPerSecond: deployment.gpu.memoryBandwidthBytesPerSecond,
                         bytesPerWeight: deployment.model.bytesPerWeight, constants: gemmConstants, speed: speed)
    }

    /// One GEMM of `tokens` rows, split over the tensor-parallel GPUs: the slower of its FLOPs at the
    /// token-ramped compute efficiency and its weight and activation bytes at `memoryEfficiency`, plus the
    /// kernel's fixed overhead. The ramp M / (M + gemmRampTokens) models small-M GEMMs filling few tiles.
    /// Shared with the operator-profile fit, so GEMMs are predicted alike in both.
    static func gemmSeconds(_ shape: GEMMShape, tokens: Double, tensorParallel: Int, gpu: GPUSpec, calibration: MachineCalibration,
                            bytesPerWeight: Double, speed: Double = 1) -> Double {
        gemmSeconds(weights: shape.weights, ioElements: Double(shape.inputs + shape.outputs), tokens: tokens,
                    tensorParallel: Double(tensorParallel), peakFLOPSPerSecond: gpu.peakFLOPSPerSecond,
                    bandwidthBytesPerSecond: gpu.memoryBandwidthBytesPerSecond, bytesPerWeight: bytesPerWeight,
                    constants: GEMMConstants(calibration), speed: speed)
    }

    /// The same on plain numbers, for the calibration's tight loops.
    static func gemmSeconds(weights: Double, ioElements: Double, tokens: Double, tensorParallel: Double, peakFLOPSPerSecond: Double,
                            bandwidthBytesPerSecond: Double, bytesPerWeight: Double, constants: GEMMConstants, speed: Double = 1) -> Double {
        let ramp = tokens / (tokens + constants.rampTokens)
        let compute = 2 * tokens * weights / (tensorParallel * peakFLOPSPerSecond * constants.computeEfficiency * ramp * speed)
        let memory = (weights + tokens * ioElements) * bytesPerWeight / (tensorParallel * bandwidthBytesPerSecond * constants.memoryEfficiency)
        return max(compute, memory) + constants.overheadSeconds
    }

    private func computeSeconds(_ flops: Double, efficiency: Double, speed: Double) -> Double {
        flops / computeDivisor(efficiency: efficiency, speed: speed)
    }

    private func memorySeconds(_ bytes: Double, efficiency: Double) -> Double {
        bytes / memoryDivisor(efficiency: efficiency)
    }

    private func computeDivisor(efficiency: Double, speed: Double) -> Double {
        Double(deployment.tensorParallel) * deployment.gpu.peakFLOPSPerSecond * efficiency * speed
    }

    private func memoryDivisor(efficiency: Double) -> Double {
        Double(deployment.tensorParallel) * deployment.gpu.memoryBandwidthBytesPerSecond * efficiency
    }

    /// One all-reduce: latency per log2(TP) hop, plus ring traffic 2·(TP−1)/TP of the message over the
    /// interconnect; bytes beyond the large-message threshold move `largeMessageAllReduceSlowdown` times slower.
    func allReduceSeconds(bytes: Double) -> Double {
        let degree = deployment.tensorParallel
        guard degree > 1 else { return 0 }
        let calibration = deployment.calibration
        let threshold = calibration.largeMessageBytes
        let effectiveBytes = min(bytes, threshold) + calibration.largeMessageAllReduceSlowdown * max(0, bytes - threshold)
        let ringFactor = 2 * Double(degree - 1) / Double(degree)
        let bandwidth = deployment.gpu.interconnectBytesPerSecond * calibration.allReduceEfficiency
        return calibration.allReduceLatencySeconds * log2(Double(degree)) + effectiveBytes * ringFactor / bandwidth
    }
}

/// The four GEMM constants of a calibration, unpacked.
struct GEMMConstants: Sendable {
    var computeEfficiency: Double
    var rampTokens: Double
    var memoryEfficiency: Double
    var overheadSeconds: Double

    init(_ calibration: MachineCalibration) {
        computeEfficiency = calibration.computeEfficiency
        rampTokens = calibration.gemmRampTokens
        memoryEfficiency = calibration.memoryEfficiency
        overheadSeconds = calibration.gemmOverheadSeconds
    }
}
