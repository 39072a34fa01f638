import ClusterModel
import Foundation

/// Predicts measured GEMM times (operator profiles) with a machine's constants, as the roofline model
/// costs the GEMMs of a layer, and measures the error.
public struct OperatorEvaluator: Sendable {
    public let samples: [OperatorSample]
    private let gpu: GPUSpec
    /// Per sample, unpacked once: weights, inputs + outputs, tokens, TP, ln(measured seconds).
    private let weights: [Double], ioElements: [Double], tokens: [Double], degrees: [Double], logMeasured: [Double]
    /// Operator profiles are FP16 (Vidur profiles every model in FP16).
    static let bytesPerWeight = 2.0

    public init(samples: [OperatorSample], machine: MachineSpec, catalog: Catalog) throws {
        self.samples = samples
        gpu = try catalog.gpu(of: machine)
        let shapes = samples.map { $0.architecture.shape($0.op) }
        weights = shapes.map(\.weights)
        ioElements = shapes.map { Double($0.inputs + $0.outputs) }
        tokens = samples.map { Double($0.tokens) }
        degrees = samples.map { Double($0.tensorParallel) }
        logMeasured = samples.map { log($0.seconds) }
    }

    public func predictedSeconds(_ sample: OperatorSample, _ calibration: MachineCalibration) -> Double {
        RooflineModel.gemmSeconds(sample.architecture.shape(sample.op), tokens: Double(sample.tokens),
                                  tensorParallel: sample.tensorParallel, gpu: gpu, calibration: calibration,
                                  bytesPerWeight: Self.bytesPerWeight)
    }

    /// Mean |ln(predicted / measured)|: every GEMM's relative error alike.
    func meanLogError(_ calibration: MachineCalibration) -> Double {
        guard !samples.isEmpty else { return 0 }
        let constants = GEMMConstants(calibration)
        let peak = gpu.peakFLOPSPerSecond, bandwidth = gpu.memoryBandwidthBytesPerSecond
        var total = 0.0
        for index in samples.indices {
            let predicted = RooflineModel.gemmSeconds(
                weights: weights[index], ioElements: ioElements[index], tokens: tokens[index], tensorParallel: degrees[index],
                peakFLOPSPerSecond: peak, bandwidthBytesPerSecond: bandwidth, bytesPerWeight: Self.bytesPerWeight, constants: constants)
            total += abs(log(predicted) - logMeasured[index])
        }
        return total / Double(samples.count)
    }

    /// Absolute relative errors, with the worst configurations named, of the given samples.
    public func error(_ calibration: MachineCalibration, scope: String) -> OperatorError {
        OperatorError(scope: scope, errors: samples.map { ($0.label, abs(predictedSeconds($0, calibration) / $0.seconds - 1)) })
    }

    public var architectures: [OperatorArchitecture] { Set(samples.map(\.architecture)).sorted() }
}

/// Error of GEMM predictions: over one group of operator samples, in percent.
public struct OperatorError: Sendable, Codable, Equatable {
    public var scope: String
    public var configurations: Int
    public var medianAbsolutePercentError: Double
    public var p90AbsolutePercentError: Double
    public var maxAbsolutePercentError: Double
    public var worst: [String]

    init(scope: String, errors: [(label: String, error: Double)]) {
        self.scope = scope
        let summary = ErrorSummary(errors)
        configurations = summary.configurations
        medianAbsolutePercentError = summary.medianPercent
        p90AbsolutePercentError = summary.p90Percent
        maxAbsolutePercentError = summary.maxPercent
        worst = summary.worst
    }
}

/// Median, p90 and max of absolute relative errors, in percent, and the two worst configurations named:
/// the figures every error table prints.
struct ErrorSummary {
    var configurations: Int
    var medianPercent: Double
    var p90Percent: Double
    var maxPercent: Double
    var worst: [String]

    init(_ errors: [(label: String, error: Double)]) {
        let values = errors.map(\.error)
        configurations = values.count
        medianPercent = 100 * Statistics.median(values)
        p90Percent = 100 * Statistics.percentile(values, 0.9)
        maxPercent = 100 * (values.max() ?? .nan)
        worst = errors.sorted { $0.error > $1.error }.prefix(2).map { "\($0.label) (\(String(format: "%.1f", 100 * $0.error)) %)" }
    }
}

/// Leave one architecture out: fit the GEMM constants on the other architectures' operator profiles
/// and predict the one left out, for each architecture in turn; then the pooled error of every prediction.
public struct LeaveOneArchitectureOut: Sendable {
    public var calibrator: Calibrator

    public init(calibrator: Calibrator = Calibrator()) {
        self.calibrator = calibrator
    }

    public func evaluate(samples: [OperatorSample], machine: MachineSpec, catalog: Catalog) throws -> [OperatorError] {
        let architectures = Set(samples.map(\.architecture)).sorted()
        var rows: [OperatorError] = []
        var pooled: [(label: String, error: Double)] = []
        for architecture in architectures {
            let training = samples.filter { $0.architecture != architecture }
            let held = samples.filter { $0.architecture == architecture }
            guard !training.isEmpty else { continue }
            let fitted = try calibrator.fitGEMMs(operatorSamples: training, machine: machine, catalog: catalog, source: "leave-one-out")
            let evaluator = try OperatorEvaluator(samples: held, machine: machine, catalog: catalog)
            rows.append(evaluator.error(fitted, scope: architecture.description))
            pooled += held.map { ($0.label, abs(evaluator.predictedSeconds($0, fitted) / $0.seconds - 1)) }
        }
        if !pooled.isEmpty { rows.append(OperatorError(scope: "all architectures", errors: pooled)) }
        return rows
    }
}
