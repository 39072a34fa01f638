import ClusterModel
import Foundation

/// Fits a machine's calibration constants by Nelder–Mead from deterministic starts.
///
/// With an end-to-end profile, every constant is fitted at once to it and to the operator (GEMM)
/// profiles beside it: one set of constants per machine. With operator profiles only, only the GEMM
/// constants (compute and memory efficiency, GEMM ramp and overhead) are fitted and the rest are kept
/// from the machine given (borrowed from another machine).
public struct Calibrator: Sendable {
    public var starts = 8
    public var iterationsPerStart = 3000
    /// Restarts from the best point (each with a fresh simplex) while they still improve it.
    public var restarts = 4
    /// Weight of the operator profiles' mean |ln error| against the end-to-end loss.
    public var operatorWeight = 300.0

    public init() {}

    /// Every constant, from the end-to-end samples and (if any) operator samples of one GPU.
    public func fit(samples: [ProfileSample], operatorSamples: [OperatorSample] = [], machine: MachineSpec, catalog: Catalog,
                    source: String) throws -> MachineCalibration {
        let evaluator = try ProfileEvaluator(samples: samples, machine: machine, catalog: catalog)
        let operators = try OperatorEvaluator(samples: operatorSamples, machine: machine, catalog: catalog)
        let weight = operatorSamples.isEmpty ? 0 : operatorWeight
        let base = machine.calibration
        let loss: ([Double]) -> Double = { x in
            let calibration = Self.decode(x, base: base, source: source)
            return evaluator.loss(calibration) + weight * operators.meanLogError(calibration)
        }
        return Self.decode(minimize(loss, start: Self.initialGuess), base: base, source: source)
    }

    /// The GEMM constants only, from operator samples; the machine's other constants are kept.
    public func fitGEMMs(operatorSamples: [OperatorSample], machine: MachineSpec, catalog: Catalog, source: String) throws -> MachineCalibration {
        let operators = try OperatorEvaluator(samples: operatorSamples, machine: machine, catalog: catalog)
        var base = machine.calibration
        base.source = source
        let guess = Array(Self.initialGuess[0..<Self.gemmParameters])
        let loss: ([Double]) -> Double = { operators.meanLogError(Self.decodeGEMM($0, base: base)) }
        return Self.decodeGEMM(minimize(loss, start: guess), base: base)
    }

    /// Best of `starts` Nelder–Mead runs (the first from the guess, the rest from seeded perturbations
    /// of it), then restarts and a polish from the best point with smaller simplices.
    func minimize(_ loss: ([Double]) -> Double, start guess: [Double]) -> [Double] {
        var random = SplitMix64(seed: 0x5EED)
        let search = NelderMead(maxIterations: iterationsPerStart)
        var best = search.minimize(loss, start: guess, step: 0.5)
        for _ in 1..<max(starts, 1) {
            let start = guess.map { $0 + 1.4 * (random.nextUnit() - 0.5) }
            let candidate = search.minimize(loss, start: start, step: 0.5)
            if candidate.value < best.value { best = candidate }
        }
        // Restart from the best point while that still helps: a fresh simplex escapes a collapsed one.
        for _ in 0..<max(restarts, 0) {
            let restarted = search.minimize(loss, start: best.point, step: 0.2)
            guard restarted.value < best.value - 1e-9 * abs(best.value) else { break }
            best = restarted
        }
        let polished = search.minimize(loss, start: best.point, step: 0.05)
        return polished.value < best.value ? polished.point : best.point
    }

    /// The first four parameters are the GEMM constants.
    static let gemmParameters = 4

    /// A plausible stack: 70 % of peak past 100 tokens, 80 % of HBM for weights, 5 µs per GEMM, 20 % of HBM
    /// for paged attention, 20 % of NVLink, 50 µs per all-reduce hop, a 32 MiB knee, small overheads.
    static let initialGuess: [Double] = [0.85, log(100), 1.4, log(5e-6), -1.4, -1.4, log(5e-5), 0, log(33_554_432),
                                         log(1e-5), log(5e-5), log(1e-3), log(1e-4), log(1e-4)]

    /// Unconstrained parameters to constants: logistic for efficiencies, exponential for the rest.
    static func decode(_ x: [Double], base: MachineCalibration, source: String) -> MachineCalibration {
        var calibration = decodeGEMM(x, base: base)
        calibration.decodeAttentionEfficiency = logistic(x[4])
        calibration.allReduceEfficiency = logistic(x[5])
        calibration.allReduceLatencySeconds = tidy(exp(x[6]))
        calibration.largeMessageAllReduceSlowdown = 1 + exp(x[7])
        calibration.largeMessageBytes = exp(x[8])
        calibration.layerOverheadSeconds = tidy(exp(x[9]))
        calibration.prefillLayerOverheadSeconds = tidy(exp(x[10]))
        calibration.stepOverheadSeconds = tidy(exp(x[11]))
        calibration.sequenceOverheadSeconds = tidy(exp(x[12]))
        calibration.prefillSequenceOverheadSeconds = tidy(exp(x[13]))
        calibration.source = source
        return calibration
    }

    static func decodeGEMM(_ x: [Double], base: MachineCalibration) -> MachineCalibration {
        var calibration = base
        calibration.computeEfficiency = logistic(x[0])
        // Below a thousandth of a token the ramp is no ramp: print it as zero.
        calibration.gemmRampTokens = exp(x[1]) < 1e-3 ? 0 : exp(x[1])
        calibration.memoryEfficiency = logistic(x[2])
        calibration.gemmOverheadSeconds = tidy(exp(x[3]))
        return calibration
    }

    private static func logistic(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
    /// Times below a nanosecond are noise of the fit: print them as zero.
    private static func tidy(_ seconds: Double) -> Double { seconds < 1e-9 ? 0 : seconds }
}

extension Deployment {
    /// The same deployment predicted with other constants (the calibration routine's trial points).
    func replacingCalibration(_ calibration: MachineCalibration) -> Deployment {
        var machine = self.machine
        machine.calibration = calibration
        return Deployment(unchecked: model, machine: machine, gpu: gpu, tensorParallel: tensorParallel, powerCap: powerCap)
    }
}
