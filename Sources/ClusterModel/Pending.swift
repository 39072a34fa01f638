import Dispatch

/// A value computed on another thread while the caller goes on; `value()` waits for it. If the caller
/// never asks (it failed first), the work still runs to its end and its result is dropped.
public final class Pending<Value: Sendable>: @unchecked Sendable {
    /// Written once by the worker before `done` is signalled, read only after waiting for it.
    private var result: Result<Value, any Error> = .failure(CancellationError())
    private let done = DispatchSemaphore(value: 0)

    public init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async {
            self.result = Result(catching: work)
            self.done.signal()
        }
    }

    public func value() throws -> Value {
        done.wait()
        done.signal()
        return try result.get()
    }
}
