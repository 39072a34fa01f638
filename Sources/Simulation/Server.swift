/// One model instance (a machine, or a tensor-parallel slice of one) and everything queued on it.
struct Server {
    enum Activity { case idle, prefill, decode }

    let pool: Int
    /// Index of the machine that hosts this instance (its NICs are the machine's).
    let machine: Int
    let role: ClusterRole
    let kvCapacityTokens: Int

    var activity = Activity.idle
    var activitySince = 0.0
    /// Requests waiting for prefill, FCFS (a head index instead of removing from the front).
    var promptQueue: [Int] = []
    var promptHead = 0
    /// Prompt tokens queued or being prefilled: the join-shortest-queue load of prompt machines.
    var pendingPromptTokens = 0
    /// The prompts being prefilled now.
    var prefillBatch: [Int] = []
    /// Requests whose KV has arrived, waiting for a decode slot.
    var decodeWaiting: [Int] = []
    var decodeHead = 0
    var running: [Int] = []
    var runningContextTokens = 0
    var kvReservedTokens = 0
    /// Tokens promised to this server by the scheduler (reserved on arrival), for join-shortest-queue.
    var committedTokens = 0
    var prefillSeconds = 0.0
    var decodeSeconds = 0.0

    init(pool: Int, machine: Int, role: ClusterRole, kvCapacityTokens: Int) {
        self.pool = pool
        self.machine = machine
        self.role = role
        self.kvCapacityTokens = kvCapacityTokens
    }

    var hasQueuedPrompts: Bool { promptHead < promptQueue.count }
    var hasWaitingDecodes: Bool { decodeHead < decodeWaiting.count }

    /// Drops consumed queue heads now and then so the arrays do not grow without bound.
    mutating func compactQueues() {
        if promptHead > 1024, promptHead * 2 > promptQueue.count {
            promptQueue.removeFirst(promptHead)
            promptHead = 0
        }
        if decodeHead > 1024, decodeHead * 2 > decodeWaiting.count {
            decodeWaiting.removeFirst(decodeHead)
            decodeHead = 0
        }
    }
}

enum ClusterRole { case prompt, token, mixed }
