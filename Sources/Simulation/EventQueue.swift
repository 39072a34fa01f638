/// A binary min-heap of events ordered by (time, sequence number): ties break by insertion order, so
/// the same inputs always replay the same way.
struct EventQueue<Payload> {
    private struct Entry {
        var time: Double
        var sequence: UInt64
        var payload: Payload

        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// The time of the next event, without removing it.
    var nextTime: Double? { heap.first?.time }

    mutating func push(_ payload: Payload, at time: Double) {
        assert(time.isFinite, "events must have finite times")
        let entry = Entry(time: time, sequence: nextSequence, payload: payload)
        nextSequence += 1
        heap.append(entry)
        // Move the hole up rather than swapping: one write per level.
        heap.withUnsafeMutableBufferPointer { slots in
            var child = slots.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard entry.precedes(slots[parent]) else { break }
                slots[child] = slots[parent]
                child = parent
            }
            slots[child] = entry
        }
    }

    mutating func pop() -> (time: Double, payload: Payload)? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return (first.time, first.payload) }
        // Sift the hole at the root down, then drop the last entry into it.
        heap.withUnsafeMutableBufferPointer { slots in
            let count = slots.count
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                let right = left + 1
                let smaller = right < count && slots[right].precedes(slots[left]) ? right : left
                guard slots[smaller].precedes(last) else { break }
                slots[parent] = slots[smaller]
                parent = smaller
            }
            slots[parent] = last
        }
        return (first.time, first.payload)
    }
}
