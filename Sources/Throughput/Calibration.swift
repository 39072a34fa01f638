import ClusterModel
import Foundation

/// Fits a machine's calibration constants to measured profiles: the constants that minimise
/// Σ |ln(predicted / measured)| over every configuration's prefill time and decode step time.
/// The log-L1 loss weighs relative errors alike and keeps a few anomalous rows from steering the fit.
public struct Calibrator: Sendable {
    public var starts = 8
    public var iterationsPerStart = 3000
    /// The fixed knee of the all-reduce model: 32 MiB, 2048 tokens of an 8192-wide FP16 activation.
    public var largeMessageBytes = 33_554_432.0

    public init() {}

    public func fit(samples: [ProfileSample], machine: MachineSpec, catalog: Catalog, source: String) throws -> MachineCalibration {
        let evaluator = try ProfileEvaluator(samples: samples, machine: machine, catalog: catalog)
        let loss: ([Double]) -> Double = { evaluator.logL1Loss(decode($0, source: source)) }
        var random = SplitMix64(seed: 0x5EED)
        var best = NelderMead(maxIterations: iterationsPerStart).minimize(loss, start: Self.initialGuess, step: 0.5)
        for _ in 1..<max(starts, 1) {
            let start = Self.initialGuess.map { $0 + 1.4 * (random.nextUnit() - 0.5) }
            let candidate = NelderMead(maxIterations: iterationsPerStart).minimize(loss, start: start, step: 0.5)
            if candidate.value < best.value { best = candidate }
        }
        let polished = NelderMead(maxIterations: iterationsPerStart).minimize(loss, start: best.point, step: 0.05)
        return decode(polished.value < best.value ? polished.point : best.point, source: source)
    }

    /// A plausible stack: half of peak compute, 70 % of HBM bandwidth, 20 % of NVLink, 50 µs per all-reduce hop.
    static let initialGuess: [Double] = [0, 0.85, -1.4, log(5e-5), 0, log(1e-5), log(5e-5), log(1e-3)]

    /// Unconstrained parameters to constants: logistic for efficiencies, exponential for the rest.
    func decode(_ x: [Double], source: String) -> MachineCalibration {
        func logistic(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        func tidy(_ seconds: Double) -> Double { seconds < 1e-9 ? 0 : seconds }
        return MachineCalibration(
            computeEfficiency: logistic(x[0]), memoryEfficiency: logistic(x[1]), allReduceEfficiency: logistic(x[2]),
            allReduceLatencySeconds: tidy(exp(x[3])), largeMessageAllReduceSlowdown: 1 + exp(x[4]),
            largeMessageBytes: largeMessageBytes, layerOverheadSeconds: tidy(exp(x[5])),
            prefillLayerOverheadSeconds: tidy(exp(x[6])), stepOverheadSeconds: tidy(exp(x[7])), source: source)
    }
}

/// Predicts every profiled configuration with given constants and measures the error.
public struct ProfileEvaluator: Sendable {
    public let samples: [ProfileSample]
    private let deployments: [Int: Deployment]

    /// Samples must all be of one GPU type, run by `machine`; their models come from the catalogue.
    public init(samples: [ProfileSample], machine: MachineSpec, catalog: Catalog) throws {
        self.samples = samples
        var deployments: [Int: Deployment] = [:]
        for (index, sample) in samples.enumerated() {
            let model = try catalog.model(sample.model, file: "profile", jsonPath: "model (row group \(index + 1))")
            deployments[index] = try Deployment(model: model, machine: machine, catalog: catalog, tensorParallel: sample.tensorParallel)
        }
        self.deployments = deployments
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

    func logL1Loss(_ calibration: MachineCalibration) -> Double {
        predictions(calibration).reduce(0) { total, row in
            total + abs(log(row.prefillSeconds / row.sample.prefillSeconds))
                + abs(log(row.decodeStepSeconds / row.sample.decodeStepSeconds))
        }
    }

    /// Absolute percentage errors by tensor-parallel degree and phase.
    public func errorTable(_ calibration: MachineCalibration) -> [CalibrationError] {
        let rows = predictions(calibration)
        let degrees = Set(rows.map(\.sample.tensorParallel)).sorted()
        return degrees.flatMap { degree -> [CalibrationError] in
            let group = rows.filter { $0.sample.tensorParallel == degree }
            let prefill = group.map { abs($0.prefillSeconds / $0.sample.prefillSeconds - 1) }
            let decode = group.map { abs($0.decodeStepSeconds / $0.sample.decodeStepSeconds - 1) }
            return [CalibrationError(tensorParallel: degree, phase: .prefill, absolutePercentErrors: prefill),
                    CalibrationError(tensorParallel: degree, phase: .decode, absolutePercentErrors: decode)]
        }
    }
}

public enum Phase: String, Sendable, Codable, CaseIterable {
    case prefill, decode
}

/// One line of the calibration error table.
public struct CalibrationError: Sendable, Equatable {
    public var tensorParallel: Int
    public var phase: Phase
    public var configurations: Int
    public var medianPercent: Double
    public var p90Percent: Double
    public var maxPercent: Double

    init(tensorParallel: Int, phase: Phase, absolutePercentErrors errors: [Double]) {
        self.tensorParallel = tensorParallel
        self.phase = phase
        configurations = errors.count
        medianPercent = 100 * Statistics.median(errors)
        p90Percent = 100 * Statistics.percentile(errors, 0.9)
        maxPercent = 100 * (errors.max() ?? .nan)
    }
}

extension Deployment {
    /// The same deployment predicted with other constants (the calibration routine's trial points).
    func replacingCalibration(_ calibration: MachineCalibration) -> Deployment {
        var machine = self.machine
        machine.calibration = calibration
        return Deployment(unchecked: model, machine: machine, gpu: gpu, tensorParallel: tensorParallel, powerCap: powerCap)
    }
}
