/// What a machine pool does: prefill only, decode only, or both (Splitwise's mixed pool and baselines).
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case prompt, token, mixed

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
