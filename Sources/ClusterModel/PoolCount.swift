/// Machines of one type, at one power cap, in one role: a pool of a cluster, as the planner sizes it and the
/// simulator runs it.
public struct PoolCount: Sendable, Hashable, Codable {
    public var role: Role
    public var machine: MachineID
    public var powerCap: Double
    public var count: Int

    public init(role: Role, machine: MachineID, powerCap: Double = 1, count: Int) {
        self.role = role
        self.machine = machine
        self.powerCap = powerCap
        self.count = count
    }

    /// `dgx-h100@0.7`, as the formulation labels machine options.
    public var optionLabel: String { powerCap == 1 ? machine.rawValue : "\(machine.rawValue)@\(String(powerCap))" }
}

extension Collection where Element == PoolCount {
    /// Borrowing moves machines between a prompt and a token pool through the mixed pool: a cluster
    /// without both never borrows, whatever the scheduler's setting (as the simulator decides it).
    public var canBorrow: Bool { contains { $0.role == .prompt } && contains { $0.role == .token } }
}
