/// What a number in an input file may be; its description is the "allowed:" part of an error message.
public struct NumberRule: Sendable, CustomStringConvertible {
    public let lower: Double
    public let upper: Double
    public let lowerInclusive: Bool
    public let isIntegral: Bool

    public init(lower: Double, upper: Double, lowerInclusive: Bool, isIntegral: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.lowerInclusive = lowerInclusive
        self.isIntegral = isIntegral
    }

    /// The largest figure any input may hold: beyond it a typo is far likelier than a real value.
    public static let ceiling = 1e12

    public static let positive = NumberRule(lower: 0, upper: ceiling, lowerInclusive: false)
    public static let nonNegative = NumberRule(lower: 0, upper: ceiling, lowerInclusive: true)
    public static let fraction = NumberRule(lower: 0, upper: 1, lowerInclusive: false)
    public static let tokenCount = NumberRule(lower: 1, upper: 1_000_000, lowerInclusive: true, isIntegral: true)
    /// Arrival rates: one request in about 12 days up to a million a second. Below that the programs'
    /// coefficients span more than a solver can scale; above it no catalogue fleet is in reach.
    public static let ratePerSecond = NumberRule(lower: 1e-6, upper: 1e6, lowerInclusive: true)

    /// A machine's price: from a tenth of a cent an hour. Nearer zero, a price beside the others spans
    /// more than the solver can scale (GLPK rejects a 1e-300 coefficient).
    public static let pricePerHourUSD = NumberRule(lower: 1e-3, upper: 1e6, lowerInclusive: true)
    /// A machine's provisioned power: from one watt, for the same reason.
    public static let machinePowerKW = NumberRule(lower: 1e-3, upper: 1e4, lowerInclusive: true)

    public static func atLeast(_ lower: Double, atMost upper: Double = ceiling) -> NumberRule {
        NumberRule(lower: lower, upper: upper, lowerInclusive: true)
    }

    public static func above(_ lower: Double, atMost upper: Double = ceiling) -> NumberRule {
        NumberRule(lower: lower, upper: upper, lowerInclusive: false)
    }

    public var integral: NumberRule {
        NumberRule(lower: lower, upper: upper, lowerInclusive: lowerInclusive, isIntegral: true)
    }

    public func accepts(_ value: Double) -> Bool {
        guard value.isFinite, value <= upper else { return false }
        if isIntegral, value != value.rounded() { return false }
        return lowerInclusive ? value >= lower : value > lower
    }

    public var description: String {
        let kind = isIntegral ? "an integer" : "a number"
        let low = NumberFormatting.compact(lower)
        let high = NumberFormatting.compact(upper)
        return "\(kind) \(lowerInclusive ? ">=" : ">") \(low) and <= \(high)"
    }
}
