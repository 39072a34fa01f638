import ClusterModel
@testable import Simulation
import Testing

@Suite struct EventQueueTests {
    /// Pushes and pops interleaved at random (pops often followed at once by a push, as the simulator does),
    /// with many equal times: every pop, `nextTime` and `count` agree with a plain list searched for its
    /// earliest (time, insertion) entry.
    @Test func interleavedPushesAndPopsMatchABruteForceList() {
        var random = SplitMix64(seed: 7)
        var queue = EventQueue<Int>()
        var reference: [(time: Double, order: Int)] = []
        var pushed = 0
        for _ in 0..<20_000 {
            let pushes = random.next() % 3 == 0 ? 0 : Int(random.next() % 3)
            for _ in 0..<pushes {
                let time = Double(random.next() % 50)
                queue.push(pushed, at: time)
                reference.append((time, pushed))
                pushed += 1
            }
            #expect(queue.count == reference.count)
            let earliest = reference.indices.min { (reference[$0].time, reference[$0].order) < (reference[$1].time, reference[$1].order) }
            #expect(queue.nextTime == earliest.map { reference[$0].time })
            if random.next() % 2 == 0 || pushes == 0 {
                let popped = queue.pop()
                #expect(popped?.payload == earliest.map { reference[$0].order })
                if let earliest { reference.remove(at: earliest) }
            }
        }
        while let (_, payload) = queue.pop() {
            let earliest = reference.indices.min { (reference[$0].time, reference[$0].order) < (reference[$1].time, reference[$1].order) }
            #expect(payload == earliest.map { reference[$0].order })
            if let earliest { reference.remove(at: earliest) }
        }
        #expect(reference.isEmpty && queue.isEmpty && queue.nextTime == nil && pushed > 10_000)
    }
}
