import ClusterModel

/// A design is a restriction of the one provisioning model: which (machine, cap) may fill which role.
public struct DesignRestriction: Sendable {
    public var allowed: [Role: [(machine: MachineID, capFraction: Double?)]]

    /// `nil` cap: any cap the machine allows.
    public init(_ design: Design, candidates: [MachineID]) {
        let a100: MachineID = "dgx-a100", h100: MachineID = "dgx-h100"
        switch design {
        case .auto:
            let any = candidates.map { (machine: $0, capFraction: Double?.none) }
            allowed = [.prompt: any, .token: any, .mixed: any]
        case .baselineA100: allowed = [.mixed: [(a100, 1)]]
        case .baselineH100: allowed = [.mixed: [(h100, 1)]]
        case .splitwiseAA: allowed = [.prompt: [(a100, 1)], .token: [(a100, 1)]]
        case .splitwiseHH: allowed = [.prompt: [(h100, 1)], .token: [(h100, 1)]]
        case .splitwiseHA: allowed = [.prompt: [(h100, 1)], .token: [(a100, 1)]]
        case .splitwiseHHcap: allowed = [.prompt: [(h100, 1)], .token: [(h100, 0.7)]]
        }
    }

    /// Exactly the (machine, cap, role) triples of given pools: what a fixed cluster can do.
    public init(pools: [PoolCount]) {
        var allowed: [Role: [(machine: MachineID, capFraction: Double?)]] = [:]
        for pool in pools where pool.count > 0 { allowed[pool.role, default: []].append((pool.machine, pool.powerCap)) }
        self.allowed = allowed
    }

    /// The same restriction with only `roles` allowed.
    public func keeping(_ roles: Set<Role>) -> DesignRestriction {
        var kept = self
        kept.allowed = allowed.filter { roles.contains($0.key) }
        return kept
    }

    /// Whether the design allows both a mixed pool and split (prompt and token) pools.
    public var choosesPoolKind: Bool {
        !(allowed[.mixed] ?? []).isEmpty && (!(allowed[.prompt] ?? []).isEmpty || !(allowed[.token] ?? []).isEmpty)
    }

    /// The machines the design names, which must exist in the catalogue.
    public var machines: [MachineID] {
        Array(Set(allowed.values.flatMap { $0.map(\.machine) })).sorted()
    }

    public func allows(_ role: Role, machine: MachineID, capFraction: Double) -> Bool {
        (allowed[role] ?? []).contains { $0.machine == machine && ($0.capFraction.map { abs($0 - capFraction) < 1e-9 } ?? true) }
    }
}
