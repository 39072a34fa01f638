import ClusterModel
import Foundation

/// Predicts every configuration of an end-to-end profile with given constants, scores the fit and
/// tabulates its error.
public struct ProfileEvaluator: Sendable {
    public let samples: [ProfileSample]
    private let deployments: [Int: Deployment]
    /// The tensor-parallel degree machines run at (all their GPUs): the configurations plans use.
    private let operatingTensorParallel: Int

    /// Errors between `errorThreshold` and `errorThreshold + excessSpan` cost `excessWeight` times more per
    /// unit; beyond that the extra cost stops growing, so one configuration the model cannot follow (a
    /// measurement out of line with its neighbours) is left alone rather than dragging its neighbours along.
    static let errorThreshold = 0.08
    static let excessSpan = 0.08
    static let excessWeight = 10.0
    /// At the operating degree, errors beyond `worstThreshold` cost `worstWeight` times more per unit: a bound
    /// on the worst configuration plans can meet.
    static let worstThreshold = 0.17
    static let worstWeight = 100.0
    /// Beyond a factor of 2 a configuration is treated as an outlier (a constant cost): the anomalous
    /// batch-64 rows at TP 2 are 12–16× off and must not steer the fit.
    static let outlierLogError = log(2.0)
    /// Configurations at the operating degree count 4×, and those in the operating regime 2× more.
    static let operatingDegreeWeight = 4.0
    static let operatingRegimeWeight = 2.0

    /// Samples must all be of one GPU type, run by `machine`; their models come from the catalogue.
    public init(samples: [ProfileSample], machine: MachineSpec, catalog: Catalog) throws {
        self.samples = samples
        var deployments: [Int: Deployment] = [:]
        for (index, sample) in samples.enumerated() {
            let model = try catalog.model(sample.model, file: "profile", jsonPath: "model (row group \(index + 1))")
            deployments[index] = try Deployment(model: model, machine: machine, catalog: catalog, tensorParallel: sample.tensorParallel)
        }
        self.deployments = deployments
        operatingTensorParallel = machine.gpuCount
    }

    public func predictions(_ calibration: MachineCalibration) -> [(sample: ProfileSample, prefillSeconds: Double, decodeStepSeconds: Double)] {
        samples.indices.compactMap { index in
            guard let deployment = deployments[index] else { return nil }
            let model = RooflineModel(deployment.replacingCalibration(calibration))
            let sample = samples[index]
            return (sample,
                    model.prefillSeconds(promptTokens: sample.promptTokens, batch: sample.batch),
                    model.decodeStepSeconds(batch: sample.batch, contextTokens: sample.decodeContextTokens))
        }
    }

    /// The fit's objective: Σ weight · cost(|ln(predicted/measured)|). A plain log-L1 lets the many easy
    /// points (batch 1, short prompts) outvote the few large-batch points plans run at; here every error
    /// above 8 % is expensive, errors at the operating degree above 17 % prohibitively so, and weights favour
    /// the operating degree and regime, so the fit cannot trade the operating regime for easy points.
    func loss(_ calibration: MachineCalibration) -> Double {
        predictions(calibration).reduce(0) { total, row in
            let sample = row.sample
            let operating = sample.tensorParallel == operatingTensorParallel
            let degree = operating ? Self.operatingDegreeWeight : 1
            let prefill = degree * (Regime.prefill.contains(sample) ? Self.operatingRegimeWeight : 1)
            let decode = degree * (Regime.decode.contains(sample) ? Self.operatingRegimeWeight : 1)
            return total + prefill * Self.cost(predicted: row.prefillSeconds, measured: sample.prefillSeconds, operating: operating)
                + decode * Self.cost(predicted: row.decodeStepSeconds, measured: sample.decodeStepSeconds, operating: operating)
        }
    }

    static func cost(predicted: Double, measured: Double, operating: Bool) -> Double {
        let error = min(abs(log(predicted / measured)), outlierLogError)
        let excess = excessWeight * min(max(0, error - errorThreshold), excessSpan)
        return error + excess + (operating ? worstWeight * max(0, error - worstThreshold) : 0)
    }

    /// Absolute relative errors by tensor-parallel degree and phase, over all configurations and over the
    /// operating regime of the phase.
    public func errorTable(_ calibration: MachineCalibration) -> [CalibrationError] {
        let rows = predictions(calibration)
        let degrees = Set(rows.map(\.sample.tensorParallel)).sorted()
        return degrees.flatMap { degree -> [CalibrationError] in
            let group = rows.filter { $0.sample.tensorParallel == degree }
            return Phase.allCases.flatMap { phase -> [CalibrationError] in
                let regime = phase == .prefill ? Regime.prefill : Regime.decode
                return [nil, regime].map { scope -> CalibrationError in
                    let errors = group.filter { scope?.contains($0.sample) ?? true }.map { row -> (String, Double) in
                        let (predicted, measured) = phase == .prefill ? (row.prefillSeconds, row.sample.prefillSeconds)
                                                                      : (row.decodeStepSeconds, row.sample.decodeStepSeconds)
                        return (row.sample.label, abs(predicted / measured - 1))
                    }
                    return CalibrationError(tensorParallel: degree, phase: phase, scope: scope?.name ?? "all", errors: errors)
                }
            }
        }
    }
}

/// Where plans operate: decode steps of large batches, prefill of many batched tokens.
public struct Regime: Sendable {
    public var name: String
    public var contains: @Sendable (ProfileSample) -> Bool

    public static let decode = Regime(name: "batch >= 16") { $0.batch >= 16 }
    public static let prefill = Regime(name: ">= 512 tokens") { $0.promptTokens * $0.batch >= 512 }
}

extension ProfileSample {
    /// "prompt 512 x 16, 128 out", to name a configuration in reports.
    public var label: String { "TP\(tensorParallel) prompt \(promptTokens) x \(batch), \(outputTokens) out" }
}

public enum Phase: String, Sendable, Codable, CaseIterable {
    case prefill, decode
}

/// One line of an error table: absolute relative errors of a group of configurations, in percent,
/// and the configurations behind the largest ones.
public struct CalibrationError: Sendable, Equatable {
    public var tensorParallel: Int
    public var phase: Phase
    public var scope: String
    public var configurations: Int
    public var medianPercent: Double
    public var p90Percent: Double
    public var maxPercent: Double
    /// The worst configurations (up to two), with their signed-less error: "TP8 prompt 512 x 16 (17.1 %)".
    public var worst: [String]

    init(tensorParallel: Int, phase: Phase, scope: String, errors: [(label: String, error: Double)]) {
        self.tensorParallel = tensorParallel
        self.phase = phase
        self.scope = scope
        let summary = ErrorSummary(errors)
        configurations = summary.configurations
        medianPercent = summary.medianPercent
        p90Percent = summary.p90Percent
        maxPercent = summary.maxPercent
        worst = summary.worst
    }
}
