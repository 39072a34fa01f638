import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` over the elements on every core, results in the elements' order: independent plans and
    /// simulations of a comparison, sweep or check run side by side and print as if run one by one.
    /// The first error (by element order) is rethrown after all have finished. GLPK keeps its state per
    /// thread (Debian's build uses thread-local storage), so solves on several threads do not meet.
    /// Typed throws: with a transform that cannot fail, neither can the map.
    public func concurrentMap<Result: Sendable, Failure: Error>(_ transform: @Sendable (Element) throws(Failure) -> Result) throws(Failure) -> [Result] {
        guard count > 1 else { return try map(transform) }
        let slots = ResultSlots<Result, Failure>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.set(index, Swift.Result { () throws(Failure) -> Result in try transform(self[index]) })
        }
        var results: [Result] = []
        results.reserveCapacity(count)
        for slot in slots.values() { results.append(try slot.get()) }
        return results
    }
}

/// One result per index, written once each from any thread.
private final class ResultSlots<Value: Sendable, Failure: Error>: @unchecked Sendable {
    private var slots: [Result<Value, Failure>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Value, Failure>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func values() -> [Result<Value, Failure>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
