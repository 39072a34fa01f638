import Foundation

/// Load over time: the scenario's `demand` object. One arrival rate per period (hours of a day, minutes of
/// an hour, any period length), given as numbers with their source or binned from a trace's timestamps.
public struct DemandCurve: Sendable, Equatable {
    public enum Rates: Sendable, Equatable {
        case values([Double])
        /// Arrivals counted per period over the trace's whole periods, times `rateScale`.
        case trace(file: URL, rateScale: Double)
    }

    public var periodSeconds: Double
    public var rates: Rates
    /// Where the curve comes from (a measurement, a trace, or "synthetic" with the shape's rationale).
    public var source: String

    public init(periodSeconds: Double, rates: Rates, source: String) {
        self.periodSeconds = periodSeconds
        self.rates = rates
        self.source = source
    }

    /// Most periods a curve may have: a week of minutes, or a year of hours (one program holds them all).
    public static let maximumPeriods = 10_080

    /// The rate of each period, in requests per second. Throws when a trace holds no whole period.
    public func ratesPerSecond(traces: [URL: Trace], file: String) throws -> [Double] {
        switch rates {
        case .values(let values):
            return values
        case .trace(let url, let scale):
            guard let trace = traces[url] else {
                throw ClusterModelError.invalidValue(path: file, jsonPath: "demand.trace.file", value: url.path, allowed: "a trace file that was read")
            }
            return try Self.binned(trace, periodSeconds: periodSeconds, rateScale: scale, file: file)
        }
    }

    /// For a curve binned from a trace, each whole period's window of it (its arrivals and request sizes,
    /// at the curve's rate scale); nil for rates given as numbers.
    public func periodWorkloads(count: Int) -> [Workload]? {
        guard case .trace(let file, let scale) = rates else { return nil }
        return (0..<count).map { period in
            .trace(TraceWorkload(file: file, rateScale: scale, startSeconds: Double(period) * periodSeconds, durationSeconds: periodSeconds))
        }
    }

    /// Requests per second in each whole period of the trace, counted from its first arrival; a last
    /// partial period is left out (its rate would be under-counted).
    static func binned(_ trace: Trace, periodSeconds: Double, rateScale: Double, file: String) throws -> [Double] {
        let whole = Int((trace.durationSeconds / periodSeconds).rounded(.down))
        guard whole >= 1 else {
            throw ClusterModelError.invalidValue(
                path: file, jsonPath: "demand.periodSeconds", value: NumberFormatting.compact(periodSeconds),
                allowed: "at most the trace's length (\(NumberFormatting.compact(trace.durationSeconds)) s of arrivals in \(trace.file)): a shorter period")
        }
        let periods = min(whole, maximumPeriods)
        var counts = [Int](repeating: 0, count: periods)
        for request in trace.requests {
            let period = Int(request.arrivalSeconds / periodSeconds)
            if period < periods { counts[period] += 1 }
        }
        return counts.map { Double($0) / periodSeconds * rateScale }
    }
}

extension DemandCurve {
    static let keys = ["periodSeconds", "ratesPerSecond", "trace", "source"]

    init(json: JSONCursor, base: URL) throws {
        _ = try json.object(expected: "a demand object {\(Self.keys.joined(separator: ", "))}")
        try json.requireKeys(within: Self.keys)
        periodSeconds = try json.number("periodSeconds", .atLeast(1, atMost: Scenario.maximumDurationSeconds))
        let hasValues = try json.has("ratesPerSecond"), hasTrace = try json.has("trace")
        guard hasValues != hasTrace else {
            throw json.invalid(expected: "exactly one of \"ratesPerSecond\" (a rate per period) or \"trace\" (rates binned from a trace's arrivals)")
        }
        if hasValues {
            let list = try json.child("ratesPerSecond", expected: "an array of rates")
            let elements = try list.elements(expected: "a non-empty array of rates in requests per second")
            guard (1...Self.maximumPeriods).contains(elements.count) else {
                throw list.invalid(expected: "from 1 to \(Self.maximumPeriods) rates, one per period")
            }
            rates = .values(try elements.map { try $0.number(.ratePerSecond) })
            let sourceJSON = try json.child("source", expected: "where the rates come from (a measurement, or \"synthetic: \" and the shape's rationale)")
            source = try sourceJSON.string(allowed: "a citation string")
            guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw sourceJSON.invalid(expected: "a non-empty citation: where the rates come from, or \"synthetic: \" and why this shape")
            }
        } else {
            let trace = try json.child("trace", expected: "a trace object {file, rateScale}")
            _ = try trace.object(expected: "a trace object {file, rateScale}")
            try trace.requireKeys(within: ["file", "rateScale"])
            let file = Scenario.resolve(try trace.string("file"), base)
            rates = .trace(file: file, rateScale: try trace.optionalNumber("rateScale", .above(0, atMost: 1e6)) ?? 1)
            source = try json.optionalChild("source")?.string(allowed: "a citation string") ?? "arrivals of \(file.lastPathComponent) per period"
        }
    }
}

/// How a schedule may change the fleet over the periods: the scenario's `schedule` object.
public struct ScheduleSettings: Sendable, Equatable {
    /// Seconds a machine that changes role spends draining its in-flight work before it serves the new role.
    public var drainSeconds = 120.0
    /// Most machines that may take a new role at one period boundary (nil: any number).
    public var maxRoleChangesPerPeriod: Int?
    /// On-demand machines, rented for single periods, cost this multiple of the catalogue's hourly price
    /// (nil: no on-demand machines; the whole fleet is reserved for the horizon).
    public var onDemandPriceFactor: Double?
    /// Whether the last period leads into the first (a day that repeats), so its role changes count too.
    public var cyclic = true

    public init() {}

    static let keys = ["drainSeconds", "maxRoleChangesPerPeriod", "onDemandPriceFactor", "cyclic"]

    init(json: JSONCursor) throws {
        _ = try json.object(expected: "a schedule object {\(Self.keys.joined(separator: ", "))}")
        try json.requireKeys(within: Self.keys)
        if let value = try json.optionalChild("drainSeconds") { drainSeconds = try value.number(.atLeast(0, atMost: Scenario.maximumDurationSeconds)) }
        if let value = try json.optionalChild("maxRoleChangesPerPeriod") { maxRoleChangesPerPeriod = try value.integer(.atLeast(0, atMost: 1e6)) }
        if let value = try json.optionalChild("onDemandPriceFactor") { onDemandPriceFactor = try value.number(.above(0, atMost: 1000)) }
        if let value = try json.optionalChild("cyclic") { cyclic = try value.bool() }
    }
}
