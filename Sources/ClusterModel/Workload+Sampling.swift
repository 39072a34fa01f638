import Foundation

/// Request sizes drawn from a workload's distributions (or taken from its trace), and its arrival rate.
public struct WorkloadSample: Sendable {
    public var sizes: [(promptTokens: Int, outputTokens: Int)]
    public var ratePerSecond: Double
}

extension Workload {
    /// For a trace: every request in the window and its mean rate. For generated arrivals: `count`
    /// sizes drawn with `seed` and the configured rate. When prompts and outputs are both resampled
    /// from the same trace, each draw takes both from one row, keeping their correlation.
    public func sample(traces: [URL: Trace], count: Int, seed: UInt64) throws -> WorkloadSample {
        switch self {
        case .trace(let replay):
            guard let trace = traces[replay.file] else { throw ClusterModelError.fileNotFound(path: replay.file.path, role: "trace file") }
            let requests = trace.window(startSeconds: replay.startSeconds, durationSeconds: replay.durationSeconds, rateScale: replay.rateScale)
            guard let last = requests.last, requests.count > 1, last.arrivalSeconds > 0 else {
                throw ClusterModelError.invalidValue(path: trace.file, jsonPath: "workload.trace", value: "\(requests.count) request(s) in the window",
                                                     allowed: "a window with at least two requests at different times")
            }
            return WorkloadSample(sizes: requests.map { ($0.promptTokens, $0.outputTokens) },
                                  ratePerSecond: Double(requests.count - 1) / last.arrivalSeconds)
        case .generated(let generated):
            var random = SplitMix64(seed: seed)
            var sizes: [(promptTokens: Int, outputTokens: Int)] = []
            sizes.reserveCapacity(count)
            if let rows = generated.pairedTrace(traces)?.requests {
                // The same draws as `drawSize`, without handing the trace to it 20,000 times.
                for _ in 0..<count {
                    let row = rows[random.nextIndex(rows.count)]
                    sizes.append((row.promptTokens, row.outputTokens))
                }
            } else {
                for _ in 0..<count { sizes.append(try generated.drawSize(&random, traces: traces, paired: nil)) }
            }
            return WorkloadSample(sizes: sizes, ratePerSecond: generated.arrivals.ratePerSecond)
        }
    }
}

extension GeneratedWorkload {
    /// The trace both sizes are resampled from, when they name the same one: each draw then takes
    /// prompt and output from one row, keeping their correlation.
    func pairedTrace(_ traces: [URL: Trace]) -> Trace? {
        if case .trace(let prompt) = promptTokens, case .trace(let output) = outputTokens, prompt == output { return traces[prompt] }
        return nil
    }

    func drawSize(_ random: inout SplitMix64, traces: [URL: Trace], paired: Trace?) throws -> (promptTokens: Int, outputTokens: Int) {
        if let paired {
            let row = paired.requests[random.nextIndex(paired.requests.count)]
            return (row.promptTokens, row.outputTokens)
        }
        return (try promptTokens.draw(&random, traces: traces, prompt: true), try outputTokens.draw(&random, traces: traces, prompt: false))
    }
}

extension TokenDistribution {
    func draw(_ random: inout SplitMix64, traces: [URL: Trace], prompt: Bool) throws -> Int {
        switch self {
        case .fixed(let tokens):
            return tokens
        case .uniform(let low, let high):
            return low + random.nextIndex(high - low + 1)
        case .lognormal(let median, let sigma):
            // A wide sigma draws values far beyond any Int (or infinite): clamp in floating point first.
            let value = median * exp(sigma * random.nextNormal())
            return value.isNaN ? 1 : Int(min(max(value.rounded(), 1), 1_000_000))
        case .trace(let file):
            guard let trace = traces[file] else { throw ClusterModelError.fileNotFound(path: file.path, role: "trace file") }
            let row = trace.requests[random.nextIndex(trace.requests.count)]
            return prompt ? row.promptTokens : row.outputTokens
        }
    }
}
