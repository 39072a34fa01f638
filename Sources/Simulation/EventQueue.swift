/// A binary min-heap of events ordered by (time, sequence number): ties break by insertion order, so
/// the same inputs always replay the same way.
///
/// Handling an event usually schedules the next of its kind (the next arrival, the server's next step)
/// at once: a popped root's slot is kept until then, and the push sifts the new entry down from the root
/// instead of moving the last entry there and sifting a second time. The order of events is the same.
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
    /// The root was popped; its slot waits for the next push (or pop) to fill it.
    private var rootTaken = false

    var count: Int { heap.count - (rootTaken ? 1 : 0) }
    var isEmpty: Bool { count == 0 }
    /// The time of the next event, without removing it.
    var nextTime: Double? {
        guard rootTaken else { return heap.first?.time }
        switch heap.count {
        case 0, 1: return nil
        case 2: return heap[1].time
        default: return heap[1].precedes(heap[2]) ? heap[1].time : heap[2].time
        }
    }

    mutating func push(_ payload: Payload, at time: Double) {
        assert(time.isFinite, "events must have finite times")
        let entry = Entry(time: time, sequence: nextSequence, payload: payload)
        nextSequence += 1
        if rootTaken {
            rootTaken = false
            siftDown(entry)
            return
        }
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
        if rootTaken {
            rootTaken = false
            let last = heap.removeLast()
            if !heap.isEmpty { siftDown(last) }
        }
        guard let first = heap.first else { return nil }
        rootTaken = true
        return (first.time, first.payload)
    }

    /// Sifts the hole at the root down, then puts `entry` into it.
    private mutating func siftDown(_ entry: Entry) {
        heap.withUnsafeMutableBufferPointer { slots in
            let count = slots.count
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                let right = left + 1
                let smaller = right < count && slots[right].precedes(slots[left]) ? right : left
                guard slots[smaller].precedes(entry) else { break }
                slots[parent] = slots[smaller]
                parent = smaller
            }
            slots[parent] = entry
        }
    }
}
