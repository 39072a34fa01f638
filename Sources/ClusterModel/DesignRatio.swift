/// An expectation on two designs of one scenario: a figure of `design` as a multiple of the same figure
/// of `baseline` (both planned on the scenario), within [atLeast, atMost]. Splitwise's claims are stated
/// this way ("Splitwise-AA gives 1.4x the throughput of Baseline-H100 at iso-cost").
public struct DesignRatio: Sendable, Equatable {
    public enum Figure: String, Sendable, CaseIterable {
        /// Requests per second the design's plan serves.
        case throughput
        /// Requests per second the plan's pools complete when arrivals outrun them, with borrowing.
        case overloadThroughput
        case cost
        case power
    }

    public var design: Design
    public var baseline: Design
    public var figure: Figure
    public var atLeast: Double?
    public var atMost: Double?
    /// What the expectation stands for (the published claim and its source), shown in reports.
    public var claim: String

    public init(design: Design, baseline: Design, figure: Figure, atLeast: Double?, atMost: Double?, claim: String) {
        self.design = design
        self.baseline = baseline
        self.figure = figure
        self.atLeast = atLeast
        self.atMost = atMost
        self.claim = claim
    }

    static let keys = ["design", "baseline", "figure", "atLeast", "atMost", "claim"]

    init(json: JSONCursor, designs: [Design]) throws {
        try json.requireKeys(within: Self.keys)
        let allowed = "one of the scenario's designs: \(designs.map(\.rawValue).joined(separator: ", "))"
        func design(_ key: String) throws -> Design {
            let child = try json.child(key, expected: allowed)
            let value = try child.choice(Design.self)
            guard designs.contains(value) else { throw child.invalid(expected: allowed) }
            return value
        }
        let bounds = NumberRule.above(0, atMost: 1e6)
        self.init(design: try design("design"), baseline: try design("baseline"),
                  figure: try json.child("figure", expected: "throughput, overloadThroughput, cost or power").choice(Figure.self),
                  atLeast: try json.optionalNumber("atLeast", bounds), atMost: try json.optionalNumber("atMost", bounds),
                  claim: try json.child("claim", expected: "what the ratio stands for").string(allowed: "a sentence naming the claim and its source"))
        guard atLeast != nil || atMost != nil else { throw json.invalid(expected: "an object with atLeast, atMost or both") }
        if let low = atLeast, let high = atMost, low > high {
            throw try json.child("atMost", expected: "").invalid(expected: "a number >= atLeast (\(low))")
        }
    }
}
