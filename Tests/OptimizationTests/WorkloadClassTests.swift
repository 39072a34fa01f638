import ClusterModel
@testable import Optimization
import Testing

@Suite struct WorkloadClassTests {
    /// Sizes sorted as packed keys come out as a comparison of the pairs orders them, either length first:
    /// random samples with many repeats, lengths spread over every 16-bit digit the keys use, and lengths
    /// past 32 bits (the comparison sort then).
    @Test func sizesSortAsThePairs() {
        var random = SplitMix64(seed: 53)
        for trial in 0..<300 {
            let count = random.nextIndex(3000)
            let widest = [100, 70_000, 5_000_000_000][trial % 3]
            let sizes: [WorkloadClasses.Size] = (0..<count).map { _ in (random.nextIndex(widest), random.nextIndex(trial % 2 == 0 ? 50 : widest)) }
            for promptFirst in [true, false] {
                let expected = promptFirst ? sizes.sorted { ($0.promptTokens, $0.outputTokens) < ($1.promptTokens, $1.outputTokens) }
                    : sizes.sorted { ($0.outputTokens, $0.promptTokens) < ($1.outputTokens, $1.promptTokens) }
                let sorted = WorkloadClasses.sorted(sizes[...], promptFirst: promptFirst)
                #expect(sorted.count == expected.count)
                #expect(zip(sorted, expected).allSatisfy { $0.promptTokens == $1.promptTokens && $0.outputTokens == $1.outputTokens },
                        "trial \(trial), \(count) sizes")
            }
        }
        #expect(WorkloadClasses.radixSorted([3, 1 << 48, 2, 1 << 16, 0, 3]) == [0, 2, 3, 3, 1 << 16, 1 << 48])
    }
}
