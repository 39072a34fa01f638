/// The requests decoding on one instance, kept so that an iteration costs O(1) whatever the batch size:
/// a request that joined at iteration j with context c has context c + (k − j) at iteration k, so the
/// set stores each one's offset c − j once, and the batch's total context is Σ offsets + count · k.
/// Which requests need a new KV block at iteration k depends only on their offset modulo the block size,
/// so a histogram of those phases counts them. Completions wait in a heap keyed by their last iteration.
/// Entries of requests that left (completed or preempted) are skipped lazily by their stint number.
struct RunningSet {
    struct Entry: Equatable {
        var request: Int
        /// How many times the request had joined a batch: an old entry of a request that left and
        /// joined again does not match.
        var stint: Int
    }

    let blockTokens: Int
    private(set) var count = 0
    private(set) var contextOffsetSum = 0
    private var phaseCount: [Int]
    /// By admission, oldest first; may hold stale entries.
    var order: [Entry] = []
    /// Keyed by the iteration after which the request has its last token; may hold stale entries.
    var finishes = EventQueue<Entry>()

    init(blockTokens: Int = 16) {
        precondition(blockTokens > 0, "KV blocks hold at least one token")
        self.blockTokens = blockTokens
        phaseCount = Array(repeating: 0, count: blockTokens)
    }

    /// The phase of a request whose context at iteration k is offset + k: it needs a new block at
    /// iteration k when offset + k − 1 is a multiple of the block size.
    func phase(contextOffset: Int) -> Int {
        let remainder = (contextOffset - 1) % blockTokens
        return remainder < 0 ? remainder + blockTokens : remainder
    }

    /// Running requests that need one more block before iteration `iteration` runs.
    func growing(at iteration: Int) -> Int { phaseCount[(blockTokens - iteration % blockTokens) % blockTokens] }

    func grows(contextOffset: Int, at iteration: Int) -> Bool {
        (phase(contextOffset: contextOffset) + iteration) % blockTokens == 0
    }

    /// Σ context over the batch at iteration `iteration`: the KV the decode step reads.
    func totalContextTokens(at iteration: Int) -> Int { contextOffsetSum + count * iteration }

    mutating func insert(_ entry: Entry, contextOffset: Int, lastIteration: Int) {
        count += 1
        contextOffsetSum += contextOffset
        phaseCount[phase(contextOffset: contextOffset)] += 1
        order.append(entry)
        finishes.push(entry, at: Double(lastIteration))
    }

    /// Forgets a request's contribution; its entries in `order` and `finishes` go stale.
    mutating func remove(contextOffset: Int) {
        assert(count > 0, "removing from an empty batch")
        count -= 1
        contextOffsetSum -= contextOffset
        phaseCount[phase(contextOffset: contextOffset)] -= 1
    }

    /// Whether stale entries of `order` outnumber the live ones.
    var needsCompaction: Bool { order.count > 2 * count + 64 }

    /// Drops stale entries of `order` once they outnumber the live ones.
    mutating func compactOrder(isLive: (Entry) -> Bool) {
        guard needsCompaction else { return }
        order.removeAll { !isLive($0) }
    }
}
