/// One model instance (a machine, or a tensor-parallel slice of one) and everything queued on it.
struct Server {
    let pool: Int
    /// Index of the machine that hosts this instance (its NICs are the machine's).
    let machine: Int
    /// The pool the instance belongs to, and the role it plays now: a prompt or token instance borrowed
    /// into the mixed pool plays `.mixed` until its borrowed work drains.
    let home: ClusterRole
    var role: ClusterRole
    let kvCapacityTokens: Int
    /// KV memory in blocks of the scheduler's block size; `admissionReserveBlocks` stay free on admission
    /// (vLLM's 1 % watermark), so a new request does not force a preemption at once.
    let kvCapacityBlocks: Int
    let admissionReserveBlocks: Int

    /// A step (prefill batch or iteration) is in flight.
    var busy = false
    var prefillSeconds = 0.0
    var decodeSeconds = 0.0

    // Prompt machines.
    /// Requests waiting for prefill, FCFS.
    var promptQueue = RequestDeque()
    /// Prompt tokens queued or being prefilled: the join-shortest-queue load of prompt machines.
    var pendingPromptTokens = 0
    /// The prompts being prefilled now.
    var prefillBatch: [Int] = []

    // Token and mixed machines: iterations of continuous batching over paged KV memory.
    /// Requests waiting for KV memory, FCFS: after their KV arrived (token machines), to prefill (mixed
    /// machines), or to recompute after a preemption (at the front).
    var waiting = RequestDeque()
    /// Requests holding KV blocks while their prompt is prefilled chunk by chunk, oldest first.
    var prefilling: [Int] = []
    /// Decodes sitting the current iteration out, and those that sat the last one out (whole-prompt batching).
    var paused: [Int] = []
    var rejoined: [Int] = []
    /// Iterations completed; every running request gains one token per iteration.
    var iteration = 0
    var running = RunningSet()
    var usedBlocks = 0
    /// Prompt tokens routed here that hold no KV yet: with `usedBlocks`, the join-shortest-queue load.
    var queuedTokens = 0
    /// Prompt tokens still to prefill here (queued, in progress, or to recompute).
    var promptWorkTokens = 0
    /// Time the instance spent borrowed into the mixed pool, and when its current borrowing began.
    var borrowedSeconds = 0.0
    var borrowedSince = 0.0
    var borrowings = 0
    /// The chunks of the iteration in flight.
    var chunkRequests: [Int] = []
    var chunkTokens: [Int] = []

    init(pool: Int, machine: Int, role: ClusterRole, kvCapacityTokens: Int, blockTokens: Int, admissionReserve: Double) {
        self.pool = pool
        self.machine = machine
        self.home = role
        self.role = role
        self.kvCapacityTokens = kvCapacityTokens
        kvCapacityBlocks = kvCapacityTokens / blockTokens
        admissionReserveBlocks = Int(admissionReserve * Double(kvCapacityBlocks))
        running = RunningSet(blockTokens: blockTokens)
    }

    var freeBlocks: Int { kvCapacityBlocks - usedBlocks }

    /// The same server without its queues, once the run is over (its totals stay).
    func emptied() -> Server {
        var server = Server(pool: pool, machine: machine, role: role, kvCapacityTokens: kvCapacityTokens, blockTokens: running.blockTokens,
                            admissionReserve: 0)
        server.prefillSeconds = prefillSeconds
        server.decodeSeconds = decodeSeconds
        server.borrowedSeconds = borrowedSeconds
        server.borrowings = borrowings
        return server
    }
}

enum ClusterRole {
    case prompt, token, mixed

    var treeIndex: Int {
        switch self {
        case .prompt: return 0
        case .token: return 1
        case .mixed: return 2
        }
    }

    static let all: [ClusterRole] = [.prompt, .token, .mixed]
}

/// A FIFO of request indices that also takes requests at the front (preempted ones, as vLLM does).
struct RequestDeque {
    private var items: [Int] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }
    var first: Int? { isEmpty ? nil : items[head] }

    mutating func append(_ request: Int) { items.append(request) }

    mutating func prepend(_ request: Int) {
        if head > 0 {
            head -= 1
            items[head] = request
        } else {
            items.insert(request, at: 0)
        }
    }

    mutating func removeFirst() -> Int {
        let request = items[head]
        head += 1
        // Drop consumed heads now and then so the array does not grow without bound.
        if head > 1024, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return request
    }
}
