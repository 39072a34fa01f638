import Foundation

/// Whole `splitplan plan FILE` commands, as a user runs them (`splitplan-bench commands`): each shipped
/// scenario planned by the `splitplan` binary beside this one, in a process of its own, REPEATS times
/// after one warm-up run; medians of wall time, from start to exit. The baseline, measured in the same
/// run and alternating with the plans: `splitplan --version`, which starts and exits and does nothing else.
func commandBenchmark(repeats: Int) throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("splitplan")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: binary.path + " (build it: make build)"])
    }
    /// posix_spawn and waitpid: Foundation's `Process` notices an exit only on its run loop's 50 ms ticks.
    func wallSeconds(_ arguments: [String]) throws -> Double {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, binary.path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: binary.path]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "splitplan \(arguments.joined(separator: " ")) failed (wait status \(status))"])
        }
        return seconds
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Scenarios").path)
        .filter { $0.hasSuffix(".json") }.sorted().map { "Scenarios/" + $0 }
    print("\nWhole commands: `splitplan plan FILE` in a process of its own, median of \(repeats) runs after a warm-up (wall time, start to exit)")
    var baseline: [Double] = []
    var rows: [(String, [Double])] = []
    for file in files {
        _ = try wallSeconds(["plan", file])
        var times: [Double] = []
        for _ in 0..<repeats {
            baseline.append(try wallSeconds(["--version"]))
            times.append(try wallSeconds(["plan", file]))
        }
        rows.append((file, times))
    }
    let start = median(baseline)
    print("  start and exit (splitplan --version)".padding(toLength: 64, withPad: " ", startingAt: 0) + milliseconds(start))
    for (file, times) in rows {
        let middle = median(times)
        print("  " + file.padding(toLength: 62, withPad: " ", startingAt: 0) + milliseconds(middle)
              + String(format: "  (%.1f–%.1f ms)  %5.1fx start-up", (times.min() ?? 0) * 1000, (times.max() ?? 0) * 1000, middle / start))
    }
}
