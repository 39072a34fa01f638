import Foundation

/// Counts by command and exit, the largest memory and the slowest case, for the run's summary.
struct Tally {
    var cases = 0
    var failures = 0
    var exits: [String: Int] = [:]
    var byCommand: [String: Int] = [:]
    var peakMemoryBytes = 0
    var peakMemoryCase = ""
    var slowestSeconds = 0.0
    var slowestCase = ""

    mutating func add(_ fuzzCase: FuzzCase, _ outcome: ChildOutcome, failed: Bool) {
        cases += 1
        if failed { failures += 1 }
        let ending: String
        switch outcome.ending {
        case .exited(let code): ending = "exit \(code)"
        case .signalled(let signal): ending = "signal \(signal)"
        case .hung: ending = "hang"
        }
        exits[ending, default: 0] += 1
        byCommand["\(fuzzCase.target.rawValue) \(fuzzCase.commandName)", default: 0] += 1
        let line = fuzzCase.arguments.joined(separator: " ")
        if outcome.peakMemoryBytes > peakMemoryBytes { (peakMemoryBytes, peakMemoryCase) = (outcome.peakMemoryBytes, line) }
        if outcome.seconds > slowestSeconds { (slowestSeconds, slowestCase) = (outcome.seconds, line) }
    }

    func summary(seconds: Double, seed: UInt64) -> String {
        var lines = ["splitplan-fuzz: \(cases) cases in \(String(format: "%.0f", seconds)) s (seed \(seed)), \(failures) failing"]
        lines.append("exits: " + exits.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(separator: ", "))
        lines.append("cases by target and command: " + byCommand.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append(String(format: "peak memory %.0f MiB (%@)", Double(peakMemoryBytes) / 1_048_576, peakMemoryCase))
        lines.append(String(format: "slowest case %.1f s (%@)", slowestSeconds, slowestCase))
        return lines.joined(separator: "\n")
    }
}
