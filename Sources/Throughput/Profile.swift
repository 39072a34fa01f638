import ClusterModel
import Foundation

/// One measured configuration: the median of its repeats.
public struct ProfileSample: Sendable, Equatable {
    public var model: ModelID
    public var hardware: GPUID
    public var tensorParallel: Int
    public var promptTokens: Int
    public var batch: Int
    public var outputTokens: Int
    public var prefillSeconds: Double
    public var decodeStepSeconds: Double
    public var repeats: Int

    /// Mean context of the decode steps measured: the prompt plus half the generated tokens.
    public var decodeContextTokens: Int { promptTokens + outputTokens / 2 }
}

/// Measured vLLM profiles in SplitwiseSim's `perf_model.csv` format (times in milliseconds).
public enum Profile {
    static let columns = ["model", "hardware", "prompt_size", "batch_size", "token_size", "prompt_time", "token_time", "tensor_parallel"]

    public static func load(_ url: URL) throws -> [ProfileSample] {
        let data = try JSONDocument.readFile(url, role: "profile CSV", maximumBytes: 256 * 1_048_576)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThroughputError.emptyProfile(path: url.path, detail: "not UTF-8 text")
        }
        return try parse(text, file: url.path)
    }

    /// Parses the rows and groups repeats of a configuration into one sample holding their medians.
    public static func parse(_ text: String, file: String) throws -> [ProfileSample] {
        let profile = try ProfileCSV(text, file: file, columns: columns)
        struct Key: Hashable { let model: String, hardware: String, tp: Int, prompt: Int, batch: Int, output: Int }
        var groups: [Key: (prefill: [Double], decode: [Double])] = [:]
        var order: [Key] = []
        for row in try profile.rows() {
            let key = Key(model: row.field("model"), hardware: row.field("hardware"), tp: try row.integer("tensor_parallel", 1...1024),
                          prompt: try row.integer("prompt_size", 1...1_000_000), batch: try row.integer("batch_size", 1...1_000_000),
                          output: try row.integer("token_size", 1...1_000_000))
            if groups[key] == nil { order.append(key) }
            groups[key, default: ([], [])].prefill.append(try row.seconds(fromMilliseconds: "prompt_time"))
            groups[key, default: ([], [])].decode.append(try row.seconds(fromMilliseconds: "token_time"))
        }
        guard !order.isEmpty else { throw ThroughputError.emptyProfile(path: file, detail: "the header has no rows after it") }
        return order.map { key in
            let group = groups[key] ?? ([], [])
            return ProfileSample(model: ModelID(key.model), hardware: GPUID(key.hardware), tensorParallel: key.tp,
                                 promptTokens: key.prompt, batch: key.batch, outputTokens: key.output,
                                 prefillSeconds: Statistics.median(group.prefill), decodeStepSeconds: Statistics.median(group.decode),
                                 repeats: group.prefill.count)
        }
    }
}

public enum Statistics {
    public static func median(_ values: [Double]) -> Double {
        percentile(values, 0.5)
    }

    /// Linear interpolation between closest ranks.
    public static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        return percentileOfSorted(values.sorted(), fraction)
    }

    /// `percentile` for values already sorted ascending, without sorting again.
    public static func percentileOfSorted(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = fraction * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }
}
