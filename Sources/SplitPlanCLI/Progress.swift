import Foundation

/// A one-line progress display on stderr, shown only when stderr is a terminal (quiet in CI and pipes).
/// Steps may come from several threads at once (plans run concurrently).
final class Progress: @unchecked Sendable {
    private let total: Int
    private let label: String
    private var done = 0
    private let enabled = Terminal.allowsEscapes(isTerminal: isatty(STDERR_FILENO) == 1)
    private let lock = NSLock()

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func step(_ item: String) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(done)/\(total): \(item)".utf8))
    }

    /// A share of one long task, as a percentage.
    func fraction(_ done: Double) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(Int((done * 100).rounded())) %".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
