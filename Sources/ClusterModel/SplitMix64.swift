import Foundation

/// A small, fast, seedable generator (Steele, Lea & Flood 2014), identical on every platform, so the
/// same seed gives the same workload and the same output everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<count without modulo bias worth mentioning for counts far below 2^64.
    public mutating func nextIndex(_ count: Int) -> Int { Int(next() % UInt64(max(count, 1))) }

    /// Standard normal by Box–Muller.
    public mutating func nextNormal() -> Double {
        let u = max(nextUnit(), 0x1.0p-53), v = nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
