import Foundation

/// Values computed once per key and kept, asked for from any thread: the chunked-prefill costs a load
/// search revisits, the profile caches of designs planned side by side.
final class LockedMemo<Key: Hashable, Value>: @unchecked Sendable {
    private var values: [Key: Value] = [:]
    private let lock = NSLock()

    func value(for key: Key, compute: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let known = values[key] { return known }
        let made = compute()
        values[key] = made
        return made
    }
}
