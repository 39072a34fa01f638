import Foundation

/// The queueing approximations that turn percentile SLOs into utilisation caps.
public enum Queueing {
    /// Waiting time of a pool of `servers` machines fed by join-shortest-queue, taken as M/M/n:
    /// P(W > t) = C(n, nρ) · exp(−n(1 − ρ) · t / S) for mean service time S (Erlang C; for n = 1 this is
    /// M/M/1's ρ · exp(−(1 − ρ) t / S)).
    public static func waitExceeds(_ t: Double, utilisation rho: Double, meanServiceSeconds s: Double, servers: Int = 1) -> Double {
        WaitTail(utilisation: rho, meanServiceSeconds: s, servers: servers).exceeds(t)
    }

    /// The same tail with Erlang C computed once, for the many thresholds one pool is checked against.
    public struct WaitTail: Sendable {
        /// P(W > 0), and the tail's decay rate per second.
        public let waiting: Double
        public let decayPerSecond: Double

        public init(utilisation rho: Double, meanServiceSeconds s: Double, servers: Int = 1) {
            let n = max(servers, 1)
            waiting = n == 1 ? rho : erlangC(servers: n, offeredLoad: rho * Double(n))
            decayPerSecond = Double(n) * (1 - rho) / s
        }

        public func exceeds(_ t: Double) -> Double {
            guard t >= 0 else { return 1 }
            return waiting * exp(-decayPerSecond * t)
        }
    }

    /// The largest utilisation ρ in [0, 0.99] at which no target is missed (`misses(ρ)` false), by bisection;
    /// nil when even an idle machine misses one (the service alone misses the target).
    public static func largestUtilisation(missing misses: (Double) -> Bool) -> Double? {
        guard !misses(0) else { return nil }
        if !misses(0.99) { return 0.99 }
        var low = 0.0, high = 0.99
        for _ in 0..<50 {
            let mid = (low + high) / 2
            if misses(mid) { high = mid } else { low = mid }
        }
        return low
    }

    /// Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ (< c).
    public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        guard c > 0, a < Double(c) else { return 1 }
        var blocking = 1.0
        for k in 1...c { blocking = a * blocking / (Double(k) + a * blocking) }
        let rho = a / Double(c)
        return blocking / (1 - rho * (1 - blocking))
    }

    /// Largest utilisation of `servers` slots (requests' KV memory on a token machine) at which an arrival
    /// waits for a slot with probability at most `waitProbability`. Kept per question: every headroom level
    /// and every design asks it again of the same machines, and each answer is 50 Erlang C sums over the slots.
    public static func slotUtilisation(servers: Int, waitProbability: Double) -> Double {
        slotUtilisations.value(for: SlotQuestion(servers: servers, waitProbability: waitProbability)) {
            searchSlotUtilisation(servers: servers, waitProbability: waitProbability)
        }
    }

    private struct SlotQuestion: Hashable {
        var servers: Int
        var waitProbability: Double
    }

    private static let slotUtilisations = LockedMemo<SlotQuestion, Double>()

    private static func searchSlotUtilisation(servers: Int, waitProbability: Double) -> Double {
        guard servers > 0 else { return 0 }
        var low = 0.0, high = 0.999
        for _ in 0..<50 {
            let mid = (low + high) / 2
            if erlangC(servers: servers, offeredLoad: mid * Double(servers)) <= waitProbability { low = mid } else { high = mid }
        }
        return low
    }
}
