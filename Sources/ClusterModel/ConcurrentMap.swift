import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` over the elements on every core, results in the elements' order: independent plans and
    /// simulations of a comparison, sweep or check run side by side and print as if run one by one.
    /// The first error (by element order) is rethrown after all have finished. GLPK keeps its state per
    /// thread (Debian's build uses thread-local storage), so solves on several threads do not meet.
    public func concurrentMap<Result: Sendable>(_ transform: @Sendable (Element) throws -> Result) throws -> [Result] {
        guard count > 1 else { return try map(transform) }
        let slots = ResultSlots<Result>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.set(index, Swift.Result { try transform(self[index]) })
        }
        return try slots.values().map { try $0.get() }
    }
}

/// One result per index, written once each from any thread.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Value, any Error>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func values() -> [Result<Value, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
