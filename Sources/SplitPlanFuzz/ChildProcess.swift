import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of the command under test, in a process of its own so that a trap is a finding, not the
/// fuzzer's end: its exit, the signal that ended it, its peak memory and its wall time.
struct ChildOutcome {
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed after the hang limit.
        case hung
    }

    var ending: Ending
    var peakMemoryBytes: Int
    var seconds: Double
    var standardError: String
}

enum ChildProcess {
    /// Runs `executable arguments` (paths in them absolute: the child keeps this process's working
    /// folder), standard output to a file in `directory`, standard error captured; kills it (and calls it hung) after `hangSeconds`, or once it holds `memoryCeilingBytes`.
    static func run(_ executable: String, _ arguments: [String], in directory: URL, environment: [String: String],
                    hangSeconds: Double, memoryCeilingBytes: Int) throws -> ChildOutcome {
        let stdoutPath = directory.appendingPathComponent("stdout").path, stderrPath = directory.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw FuzzError.cannotStart(executable, code: spawned) }

        let start = DispatchTime.now().uptimeNanoseconds
        var status: Int32 = 0
        var usage = rusage()
        var killedForHang = false, peakSeen = 0
        while true {
            let done = wait4(pid, &status, WNOHANG, &usage)
            if done == pid { break }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            peakSeen = max(peakSeen, residentBytes(pid))
            if !killedForHang, elapsed > hangSeconds || peakSeen > memoryCeilingBytes {
                kill(pid, SIGKILL)
                killedForHang = elapsed > hangSeconds
            }
            usleep(2_000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let peak = max(peakSeen, Int(usage.ru_maxrss) * 1024)
        let errorText = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        let ending: ChildOutcome.Ending
        if killedForHang {
            ending = .hung
        } else if status & 0x7f == 0 {
            ending = .exited((status >> 8) & 0xff)
        } else {
            ending = .signalled(status & 0x7f)
        }
        return ChildOutcome(ending: ending, peakMemoryBytes: peak, seconds: seconds, standardError: errorText)
    }

    /// The process's resident set now (VmRSS in /proc), 0 once it is gone.
    private static func residentBytes(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}

enum FuzzError: Error, CustomStringConvertible {
    case cannotStart(String, code: Int32)
    case missingInput(String, hint: String)
    case usage(String)

    var description: String {
        switch self {
        case .cannotStart(let path, let code): return "cannot start \(path) (error \(code)); build it first with `make build`"
        case .missingInput(let path, let hint): return "\(path) is missing; \(hint)"
        case .usage(let message): return message
        }
    }
}
