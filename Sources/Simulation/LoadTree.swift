/// The least-loaded server of one role in O(log n): a tournament tree over the servers' loads, where
/// ties go to the lower position, exactly as a left-to-right scan would pick. Join-shortest-queue then
/// costs O(log n) per arrival instead of a scan over every server of the pool.
struct LoadTree {
    /// Server index at each leaf position.
    let servers: [Int]
    private var loads: [Int]
    /// Winner (leaf position) of each internal node; node 1 is the root.
    private var winners: [Int]
    private let leaves: Int

    /// `initialLoads[i]` for `servers[i]`; `Int.max` keeps a server out of the choice.
    init(servers: [Int], initialLoads: [Int]? = nil) {
        let initialLoads = initialLoads ?? Array(repeating: 0, count: servers.count)
        self.servers = servers
        var size = 1
        while size < max(servers.count, 1) { size *= 2 }
        leaves = size
        loads = Array(repeating: .max, count: size)
        for position in servers.indices { loads[position] = initialLoads[position] }
        winners = Array(repeating: 0, count: 2 * size)
        for position in 0..<size { winners[size + position] = position }
        for node in stride(from: size - 1, through: 1, by: -1) { winners[node] = better(winners[2 * node], winners[2 * node + 1]) }
    }

    private func better(_ a: Int, _ b: Int) -> Int { loads[b] < loads[a] ? b : a }

    mutating func update(position: Int, load: Int) {
        guard loads[position] != load else { return }
        loads[position] = load
        // Through buffers: one uniqueness check per update rather than one per node written.
        let leaves = leaves
        loads.withUnsafeBufferPointer { loads in
            winners.withUnsafeMutableBufferPointer { winners in
                var node = (leaves + position) / 2
                while node >= 1 {
                    let left = winners[2 * node], right = winners[2 * node + 1]
                    winners[node] = loads[right] < loads[left] ? right : left
                    node /= 2
                }
            }
        }
    }

    /// The least-loaded server, or nil when none has a load below `Int.max` (the role has no server now).
    var best: Int? { servers.isEmpty || loads[winners[1]] == .max ? nil : servers[winners[1]] }
}
