import ArgumentParser
import ClusterModel
import Foundation

/// A seeded mutation fuzzer for the `splitplan` binary: mutated scenarios, catalogue files, traces and
/// plans, each run by a command in a process of its own. A case fails when it traps or is killed by a
/// signal, exits with a code outside the contract, runs past the hang limit, holds more than the
/// memory limit, or prints a raw library message or an over-long error. Failing cases are kept,
/// inputs and command line, for replay.
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "splitplan-fuzz",
                                                    abstract: "Mutation fuzzer for the splitplan command line.")

    @Option(help: "Stop after this many seconds.") var seconds: Double = 60
    @Option(help: "Stop after this many cases (default: no limit).") var cases: Int?
    @Option(help: "Seed of the mutations; the same seed gives the same cases.") var seed: UInt64 = 1
    @Option(help: "The binary under test.") var binary = ".build/release/splitplan"
    @Option(help: "Where failing cases are kept.") var findings = ".build/fuzz-findings"
    @Option(name: .customLong("hang-seconds"), help: "A case still running after this long is a hang.") var hangSeconds: Double = 20
    @Option(name: .customLong("memory-limit-mib"), help: "A case holding more than this is a finding.") var memoryLimitMiB: Int = 1024

    /// The exit codes the command line promises: success, infeasible or unmet, stopped at the time
    /// limit, usage, bad input, missing input, output that cannot be created, output that cannot be written.
    static let allowedExits: Set<Int32> = [0, 2, 3, 64, 65, 66, 73, 74]
    /// Text that must never reach a user: raw library messages and traps.
    static let rawMessages = ["NSCocoaErrorDomain", "Foundation.", "EncodingError", "DecodingError", "Fatal error", "glp_", "GLPK Simplex",
                              "The given data was not valid JSON", "The data couldn", "Swift runtime failure", "Error Domain="]

    func run() throws {
        let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let executable = URL(fileURLWithPath: binary, relativeTo: repository).standardizedFileURL.path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw FuzzError.missingInput(executable, hint: "build it first with `make build`, or pass --binary")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-fuzz-\(getpid())")
        defer { try? FileManager.default.removeItem(at: work) }
        let environment = ["PATH": "/usr/bin:/bin", "HOME": work.path, "NO_COLOR": "1",
                           "SPLITPLAN_CATALOG": repository.appendingPathComponent("Catalog").path]
        let seeds = try SeedInputs.load(repository: repository, plans: try Self.plans(executable, repository: repository, in: work, environment: environment))
        let findingsFolder = URL(fileURLWithPath: findings, relativeTo: repository).standardizedFileURL
        var tally = Tally()
        let start = DispatchTime.now().uptimeNanoseconds
        var index = 0
        while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds, index < (cases ?? .max) {
            var mutator = Mutator(random: SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index)))
            let fuzzCase = FuzzCase.make(seeds, mutator: &mutator)
            let folder = work.appendingPathComponent("case-\(index)")
            try fuzzCase.write(into: folder, repository: repository)
            let outcome = try ChildProcess.run(executable, fuzzCase.arguments(in: folder), in: folder, environment: environment,
                                               hangSeconds: hangSeconds, memoryCeilingBytes: memoryLimitMiB << 20)
            let problems = Self.problems(outcome, memoryLimitBytes: memoryLimitMiB << 20)
            tally.add(fuzzCase, outcome, failed: !problems.isEmpty)
            if !problems.isEmpty {
                let kept = findingsFolder.appendingPathComponent("case-\(seed)-\(index)")
                try? FileManager.default.removeItem(at: kept)
                try FileManager.default.createDirectory(at: findingsFolder, withIntermediateDirectories: true)
                try FileManager.default.moveItem(at: folder, to: kept)
                print("FINDING case \(index) (\(fuzzCase.target.rawValue), \(fuzzCase.commandName)): \(problems.joined(separator: "; ")) -> \(kept.path)")
            } else {
                try? FileManager.default.removeItem(at: folder)
            }
            index += 1
        }
        print(tally.summary(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, seed: seed))
        if tally.failures > 0 { throw ExitCode(1) }
    }

    static func problems(_ outcome: ChildOutcome, memoryLimitBytes: Int) -> [String] {
        var problems: [String] = []
        switch outcome.ending {
        case .signalled(let signal): problems.append("killed by signal \(signal)")
        case .hung: problems.append("still running after the hang limit")
        case .exited(let code) where !allowedExits.contains(code): problems.append("exit \(code)")
        case .exited: break
        }
        if outcome.peakMemoryBytes > memoryLimitBytes { problems.append("peak memory \(outcome.peakMemoryBytes >> 20) MiB") }
        if let raw = rawMessages.first(where: outcome.standardError.contains) { problems.append("raw message \"\(raw)\" on stderr") }
        if outcome.standardError.utf8.count > 4000 { problems.append("\(outcome.standardError.utf8.count)-byte error message") }
        return problems
    }

    /// Plans the binary writes for the plan cases: a mixed and a split one.
    static func plans(_ executable: String, repository: URL, in work: URL, environment: [String: String]) throws -> [(scenario: String, text: String)] {
        let folder = work.appendingPathComponent("seed-plans")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scenario = repository.appendingPathComponent("Scenarios/quickstart.json").path
        return try ["baseline-h100", "splitwise-ha"].map { design in
            let file = folder.appendingPathComponent("\(design).json").path
            let outcome = try ChildProcess.run(executable, ["plan", scenario, "--design", design, "--format", "json", "--output", file, "--force"],
                                               in: folder, environment: environment, hangSeconds: 120, memoryCeilingBytes: 4 << 30)
            guard outcome.ending == .exited(0), let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw FuzzError.usage("could not write the seed plan for \(design): \(outcome.standardError)")
            }
            return ("quickstart.json", text)
        }
    }
}

Fuzz.main()
