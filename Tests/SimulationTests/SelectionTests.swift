import ClusterModel
@testable import Simulation
import Testing
import Throughput

@Suite struct SelectionTests {
    /// Percentiles by selection equal those of the sorted array, on random, sorted, reversed and
    /// constant inputs of several sizes.
    @Test func selectionMatchesSorting() {
        var random = SplitMix64(seed: 21)
        for count in [1, 2, 3, 10, 101, 1000, 4099] {
            let shuffled = (0..<count).map { _ in random.nextUnit() * 100 }
            for values in [shuffled, shuffled.sorted(), shuffled.sorted(by: >), Array(repeating: 7.5, count: count),
                           shuffled.map { ($0 / 10).rounded() }] {
                var work = values
                let selected = PercentileSelection.percentiles(&work, fractions: [0.5, 0.9, 0.99])
                let sorted = values.sorted()
                let expected = [0.5, 0.9, 0.99].map { Statistics.percentileOfSorted(sorted, $0) }
                #expect(selected == expected, "\(count) values")
                #expect(work.sorted() == sorted)
            }
        }
    }

    /// The tournament tree picks what a left-to-right scan for the least load picks, through random updates
    /// (loads that rise, fall and leave the choice), on pools of 1 to 581 servers.
    @Test(arguments: [1, 7, 64, 100, 581])
    func loadTreeMatchesAScan(count: Int) {
        var random = SplitMix64(seed: 4 + UInt64(count))
        let servers = (0..<count).map { 3 * $0 + 1 }
        var tree = LoadTree(servers: servers)
        var loads = Array(repeating: 0, count: servers.count)
        for step in 0..<20_000 {
            let position = random.nextIndex(servers.count)
            loads[position] = random.nextIndex(20) == 0 ? .max : random.nextIndex(8 + step % 40)
            tree.update(position: position, load: loads[position])
            let scan = loads.indices.filter { loads[$0] < .max }.min { (loads[$0], $0) < (loads[$1], $1) }.map { servers[$0] }
            #expect(tree.best == scan, "step \(step)")
            if tree.best != scan { break }
        }
        #expect(LoadTree(servers: []).best == nil)
    }
}
