import ClusterModel

/// Requests of similar size, planned for together: a bucket of prompt length × output length.
public struct WorkloadClass: Sendable, Equatable {
    public var promptTokens: Int
    public var outputTokens: Int
    /// Fraction of all requests in this class.
    public var share: Double
    public var ratePerSecond: Double
    /// Prompt sizes spread over the class (the centres of equal-count slices of its prompts). A class's
    /// mean prompt hides its short prompts, whose TTFT slowdowns make the tail: the TTFT percentiles are
    /// taken over these points.
    public var promptPoints: [Int]

    public init(promptTokens: Int, outputTokens: Int, share: Double, ratePerSecond: Double, promptPoints: [Int] = []) {
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.share = share
        self.ratePerSecond = ratePerSecond
        self.promptPoints = promptPoints.isEmpty ? [promptTokens] : promptPoints
    }

    /// Mean context while decoding: the prompt plus half the output.
    public var decodeContextTokens: Int { promptTokens + outputTokens / 2 }
}

public enum WorkloadClasses {
    /// Splits sizes into `promptBuckets` equal-count groups by prompt length, each into `outputBuckets`
    /// by output length, and summarises each group by its mean sizes and `promptPoints` prompt sizes spread
    /// over it. Deterministic for the same input.
    public static func make(_ sample: WorkloadSample, promptBuckets: Int, outputBuckets: Int, promptPoints: Int = 8) -> [WorkloadClass] {
        let total = Double(sample.sizes.count)
        guard total > 0 else { return [] }
        let byPrompt = sorted(sample.sizes[...], promptFirst: true)
        var classes: [WorkloadClass] = []
        for promptGroup in chunks(byPrompt, promptBuckets) {
            let byOutput = sorted(promptGroup, promptFirst: false)
            for group in chunks(byOutput, outputBuckets) where !group.isEmpty {
                let count = Double(group.count)
                let prompt = Double(group.reduce(0) { $0 + $1.promptTokens }) / count
                let output = Double(group.reduce(0) { $0 + $1.outputTokens }) / count
                let prompts = group.map(\.promptTokens).sorted()
                let points = (0..<min(promptPoints, prompts.count)).map { slice in
                    max(1, prompts[(2 * slice + 1) * prompts.count / (2 * min(promptPoints, prompts.count))])
                }
                classes.append(WorkloadClass(promptTokens: max(Int(prompt.rounded()), 1), outputTokens: max(Int(output.rounded()), 1),
                                             share: count / total, ratePerSecond: sample.ratePerSecond * count / total, promptPoints: points))
            }
        }
        return classes
    }

    typealias Size = (promptTokens: Int, outputTokens: Int)

    /// Sizes in order of one length, then the other. Equal sizes are interchangeable, so sorting them as one
    /// 64-bit key each (every command plans from 20,000 of them) gives the order a comparison of the pairs gives.
    static func sorted(_ sizes: ArraySlice<Size>, promptFirst: Bool) -> [Size] {
        let limit = Int(UInt32.max)
        guard sizes.allSatisfy({ (0...limit).contains($0.promptTokens) && (0...limit).contains($0.outputTokens) }) else {
            return promptFirst ? sizes.sorted { ($0.promptTokens, $0.outputTokens) < ($1.promptTokens, $1.outputTokens) }
                : sizes.sorted { ($0.outputTokens, $0.promptTokens) < ($1.outputTokens, $1.promptTokens) }
        }
        let keys = radixSorted(sizes.map { size -> UInt64 in
            let (first, second) = promptFirst ? (size.promptTokens, size.outputTokens) : (size.outputTokens, size.promptTokens)
            return UInt64(first) << 32 | UInt64(second)
        })
        return keys.map { key in
            let (first, second) = (Int(key >> 32), Int(key & 0xFFFF_FFFF))
            return promptFirst ? (first, second) : (second, first)
        }
    }

    /// Least-significant-digit radix sort on bytes, skipping the bytes every key shares (token counts leave
    /// most of the 64 bits empty): four linear passes where a comparison sort takes 15.
    static func radixSorted(_ keys: [UInt64]) -> [UInt64] {
        var keys = keys, buffer = keys
        let (anyOne, allOnes) = keys.reduce((UInt64(0), ~UInt64(0))) { ($0.0 | $1, $0.1 & $1) }
        var starts = [Int](repeating: 0, count: 257)
        for shift in stride(from: UInt64(0), to: 64, by: 8) where (anyOne ^ allOnes) >> shift & 0xFF != 0 {
            for digit in starts.indices { starts[digit] = 0 }
            for key in keys { starts[Int(key >> shift & 0xFF) + 1] += 1 }
            for digit in 0..<256 { starts[digit + 1] += starts[digit] }
            for key in keys {
                let digit = Int(key >> shift & 0xFF)
                buffer[starts[digit]] = key
                starts[digit] += 1
            }
            swap(&keys, &buffer)
        }
        return keys
    }

    private static func chunks<T>(_ items: [T], _ parts: Int) -> [ArraySlice<T>] {
        let parts = max(1, min(parts, items.count))
        return (0..<parts).map { part in items[(part * items.count / parts)..<((part + 1) * items.count / parts)] }
    }
}
