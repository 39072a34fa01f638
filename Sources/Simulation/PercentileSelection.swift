import Throughput

/// Percentiles by selection rather than a full sort: only the ranks around each percentile are put in
/// place (quickselect, median-of-three pivots), which is linear on average where sorting is n log n.
/// Values equal `Statistics.percentileOfSorted` on the sorted array: the same ranks, the same interpolation.
enum PercentileSelection {
    /// The percentiles at `fractions` (ascending) of `values`, which are reordered.
    static func percentiles(_ values: inout [Double], fractions: [Double]) -> [Double] {
        guard !values.isEmpty else { return fractions.map { _ in .nan } }
        var low = 0
        return fractions.map { fraction in
            let rank = fraction * Double(values.count - 1)
            let below = Int(rank.rounded(.down)), above = Int(rank.rounded(.up))
            select(&values, rank: below, from: low)
            let lower = values[below]
            if above > below { select(&values, rank: above, from: below + 1) }
            low = above
            return lower + (values[above] - lower) * (rank - Double(below))
        }
    }

    /// Puts the value of rank `rank` at its index, everything before it ≤ it and after it ≥ it, looking only
    /// at indices from `low` (all earlier ranks already placed).
    private static func select(_ values: inout [Double], rank: Int, from low: Int) {
        var low = low, high = values.count - 1
        var rounds = 0
        while high > low {
            rounds += 1
            // Adversarial orders cannot make this quadratic: after 64 rounds, sort what is left.
            if rounds > 64 {
                values[low...high].sort()
                return
            }
            let middle = low + (high - low) / 2
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j { high = j } else if rank >= i { low = i } else { return }
        }
    }
}
