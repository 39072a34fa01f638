/// How the simulated cluster schedules: the scenario's `scheduler` object. Every member has Splitwise's
/// or vLLM's default, so a scenario names only what it changes.
public struct SchedulerPolicy: Sendable, Equatable {
    /// Splitwise's machine borrowing between the prompt and token pools (§4.2).
    public var borrowing = true
    /// Pending prompt tokens on the least-loaded prompt machine beyond which a request goes to the mixed pool.
    public var promptOverflowTokens = 4096
    /// Share of the least-loaded token machine's KV memory beyond which a request goes to the mixed pool
    /// (with borrowing).
    public var tokenOverflowKVShare = 0.9
    /// Most prompt tokens in one prefill batch or mixed iteration (Splitwise's 2048).
    public var promptTokenBudget = 2048
    /// Tokens per KV block (vLLM's default 16).
    public var kvBlockTokens = 16
    /// Preemptions after which a request is protected (Splitwise's 4).
    public var preemptionLimit = 4
    /// Share of KV blocks left free when admitting a request (vLLM's 1 % watermark).
    public var admissionReserveShare = 0.01
    /// SplitwiseSim's machine scheduler instead of chunked prefill, for what-if runs: a mixed iteration takes
    /// waiting prompts first and whole (the oldest always, later ones while they fit `promptTokenBudget`),
    /// each running decode counts one token of the same budget, and decodes left without room sit the
    /// iteration out, keeping their KV memory.
    public var wholePromptBatching = false

    public init() {}

    static let keys = ["borrowing", "wholePromptBatching"] + numberRules.map(\.key)

    /// Every numeric setting and the values it allows: one table for scenario files and `--set scheduler.<key>`.
    static let numberRules: [(key: String, rule: NumberRule)] = [
        ("promptOverflowTokens", NumberRule.atLeast(0, atMost: 1e9).integral), ("tokenOverflowKVShare", .above(0, atMost: 1)),
        ("promptTokenBudget", NumberRule.atLeast(1, atMost: 1e7).integral), ("kvBlockTokens", NumberRule.atLeast(1, atMost: 4096).integral),
        ("preemptionLimit", NumberRule.atLeast(0, atMost: 1000).integral), ("admissionReserveShare", .atLeast(0, atMost: 0.5)),
    ]

    /// Sets one numeric setting; the value has passed the key's rule in `numberRules`.
    mutating func set(_ key: String, to value: Double) {
        switch key {
        case "promptOverflowTokens": promptOverflowTokens = Int(value)
        case "tokenOverflowKVShare": tokenOverflowKVShare = value
        case "promptTokenBudget": promptTokenBudget = Int(value)
        case "kvBlockTokens": kvBlockTokens = Int(value)
        case "preemptionLimit": preemptionLimit = Int(value)
        case "admissionReserveShare": admissionReserveShare = value
        default: assertionFailure("no scheduler setting \(key)")
        }
    }

    init(json: JSONCursor) throws {
        _ = try json.object(expected: "a scheduler object {\(Self.keys.joined(separator: ", "))}")
        try json.requireKeys(within: Self.keys)
        if let flag = try json.optionalChild("borrowing") { borrowing = try flag.bool() }
        if let flag = try json.optionalChild("wholePromptBatching") { wholePromptBatching = try flag.bool() }
        for (key, rule) in Self.numberRules {
            if let value = try json.optionalChild(key) { set(key, to: try value.number(rule)) }
        }
    }
}
