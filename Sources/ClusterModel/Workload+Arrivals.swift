import Foundation

extension Workload {
    /// The requests of the workload in arrival order: the trace window, or arrivals generated for
    /// `durationSeconds` (default: the scenario's) at `ratePerSecond` (default: the scenario's) with `seed`.
    public func requests(traces: [URL: Trace], seed: UInt64, ratePerSecond: Double? = nil, durationSeconds: Double? = nil) throws -> [Request] {
        switch self {
        case .trace(let replay):
            guard let trace = traces[replay.file] else { throw ClusterModelError.fileNotFound(path: replay.file.path, role: "trace file") }
            var window = trace.window(startSeconds: replay.startSeconds, durationSeconds: durationSeconds ?? replay.durationSeconds,
                                      rateScale: replay.rateScale)
            if let rate = ratePerSecond, let last = window.last, window.count > 1, last.arrivalSeconds > 0 {
                let factor = (Double(window.count - 1) / last.arrivalSeconds) / rate
                for index in window.indices { window[index].arrivalSeconds *= factor }
            }
            return window
        case .generated(let generated):
            var random = SplitMix64(seed: seed)
            let rate = ratePerSecond ?? generated.arrivals.ratePerSecond
            let horizon = durationSeconds ?? generated.durationSeconds
            let paired = generated.pairedTrace(traces)
            var requests: [Request] = []
            requests.reserveCapacity(Int(rate * horizon * 1.1) + 16)
            var clock = 0.0
            while true {
                clock += ArrivalSampling.interarrival(generated.arrivals, ratePerSecond: rate, &random)
                guard clock < horizon else { break }
                let size = try generated.drawSize(&random, traces: traces, paired: paired)
                requests.append(Request(arrivalSeconds: clock, promptTokens: size.promptTokens, outputTokens: size.outputTokens))
            }
            return requests
        }
    }
}

public enum ArrivalSampling {
    /// Exponential gaps for Poisson arrivals; gamma gaps with shape 1/cv² for burstier (or smoother) ones.
    public static func interarrival(_ process: ArrivalProcess, ratePerSecond rate: Double, _ random: inout SplitMix64) -> Double {
        switch process {
        case .poisson:
            return -log(1 - random.nextUnit()) / rate
        case .gamma(_, let cv):
            let shape = 1 / (cv * cv)
            return gamma(shape: shape, &random) / (shape * rate)
        }
    }

    /// Marsaglia & Tsang (2000); shapes below 1 by the boost Γ(a) = Γ(a + 1) · U^(1/a).
    public static func gamma(shape: Double, _ random: inout SplitMix64) -> Double {
        if shape < 1 {
            let boost = pow(max(random.nextUnit(), 0x1.0p-53), 1 / shape)
            return gamma(shape: shape + 1, &random) * boost
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = random.nextNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = random.nextUnit()
            if u < 1 - 0.0331 * x * x * x * x || log(max(u, 0x1.0p-53)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
