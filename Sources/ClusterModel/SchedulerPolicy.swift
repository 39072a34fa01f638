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

    public init() {}

    static let keys = ["borrowing", "promptOverflowTokens", "tokenOverflowKVShare", "promptTokenBudget", "kvBlockTokens", "preemptionLimit",
                       "admissionReserveShare"]

    init(json: JSONCursor) throws {
        _ = try json.object(expected: "a scheduler object {\(Self.keys.joined(separator: ", "))}")
        try json.requireKeys(within: Self.keys)
        if let flag = try json.optionalChild("borrowing") { borrowing = try flag.bool() }
        if let value = try json.optionalChild("promptOverflowTokens") { promptOverflowTokens = try value.integer(.atLeast(0, atMost: 1e9)) }
        if let value = try json.optionalChild("tokenOverflowKVShare") { tokenOverflowKVShare = try value.number(.above(0, atMost: 1)) }
        if let value = try json.optionalChild("promptTokenBudget") { promptTokenBudget = try value.integer(.atLeast(1, atMost: 1e7)) }
        if let value = try json.optionalChild("kvBlockTokens") { kvBlockTokens = try value.integer(.atLeast(1, atMost: 4096)) }
        if let value = try json.optionalChild("preemptionLimit") { preemptionLimit = try value.integer(.atLeast(0, atMost: 1000)) }
        if let value = try json.optionalChild("admissionReserveShare") { admissionReserveShare = try value.number(.atLeast(0, atMost: 0.5)) }
    }
}
