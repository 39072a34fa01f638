import ClusterModel
import Foundation
import Throughput

/// Latency percentiles, slowdowns, SLO attainment, throughput, utilisation and energy of a simulation.
/// Stable JSON keys; `wallSeconds` is the only figure that varies between identical runs.
public struct SimulationResult: Sendable, Codable, Equatable {
    public struct Percentiles: Sendable, Codable, Equatable {
        public var p50: Double
        public var p90: Double
        public var p99: Double

        init(_ values: [Double]) {
            let sorted = values.sorted()
            func at(_ fraction: Double) -> Double { sorted.isEmpty ? 0 : Statistics.percentileOfSorted(sorted, fraction) }
            p50 = at(0.5)
            p90 = at(0.9)
            p99 = at(0.99)
        }

        func value(_ percentile: Percentile) -> Double {
            switch percentile {
            case .p50: return p50
            case .p90: return p90
            case .p99: return p99
            }
        }
    }

    public struct Slowdowns: Sendable, Codable, Equatable {
        public var ttft: Percentiles
        public var tbt: Percentiles
        public var e2e: Percentiles
    }

    public struct SLOCheck: Sendable, Codable, Equatable {
        public var metric: String
        public var percentile: String
        public var unit: String
        public var target: Double
        public var achieved: Double
        public var met: Bool
    }

    public struct Pool: Sendable, Codable, Equatable {
        public var role: Role
        public var machine: String
        public var powerCap: Double
        public var count: Int
        /// Share of the pool's instance time spent in prefill and in decode steps.
        public var prefillUtilisation: Double
        public var decodeUtilisation: Double
        public var energyKWh: Double
        public var meanPowerKW: Double
    }

    public var requests: Int
    public var completed: Int
    public var dropped: Int
    public var dropReasons: [String: Int]
    public var generatedTokens: Int
    public var ttft: Percentiles
    public var tbt: Percentiles
    public var e2e: Percentiles
    public var slowdown: Slowdowns?
    public var slo: [SLOCheck]
    public var sloMet: Bool
    /// Completed requests per second of simulated time (first arrival to last completion).
    public var throughput: Double
    public var simulatedSeconds: Double
    public var pools: [Pool]
    public var energyKWh: Double
    public var events: Int
    public var wallSeconds: Double
}

extension SimulationResult {
    private enum CodingKeys: String, CodingKey {
        case requests, completed, dropped, dropReasons, generatedTokens, ttft, tbt, e2e, slowdown, slo, sloMet
        case throughput, simulatedSeconds, pools, energyKWh, events, wallSeconds
    }

    /// Every key always present (`slowdown` is null without a reference machine), so consumers see one schema.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requests, forKey: .requests)
        try container.encode(completed, forKey: .completed)
        try container.encode(dropped, forKey: .dropped)
        try container.encode(dropReasons, forKey: .dropReasons)
        try container.encode(generatedTokens, forKey: .generatedTokens)
        try container.encode(ttft, forKey: .ttft)
        try container.encode(tbt, forKey: .tbt)
        try container.encode(e2e, forKey: .e2e)
        try container.encode(slowdown, forKey: .slowdown)
        try container.encode(slo, forKey: .slo)
        try container.encode(sloMet, forKey: .sloMet)
        try container.encode(throughput, forKey: .throughput)
        try container.encode(simulatedSeconds, forKey: .simulatedSeconds)
        try container.encode(pools, forKey: .pools)
        try container.encode(energyKWh, forKey: .energyKWh)
        try container.encode(events, forKey: .events)
        try container.encode(wallSeconds, forKey: .wallSeconds)
    }
}
