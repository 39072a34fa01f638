import ArgumentParser
import ClusterModel
import Optimization
import Simulation
import Foundation
import Throughput

/// The root command only lists the subcommands; each lives in its own file.
public struct SplitPlanCommand: ParsableCommand {
    /// The tool's version, as `--version` prints it and every machine-readable report carries it.
    public static let version = "0.2.0"

    public static let configuration = CommandConfiguration(
        commandName: "splitplan",
        abstract: "Provision LLM inference clusters that split prompt and token phases.",
        discussion: """
            Exit codes: 0 success, 1 failure, 2 no feasible plan or an expectation not met, 3 the run's
            --time-limit stopped a solve or a simulation,
            64 usage error, 65 bad input data, 66 an input file that does not exist, 73 an output that
            cannot be created, 74 an output that could not be written.
            """,
        version: SplitPlanCommand.version,
        subcommands: [PlanCommand.self, SimulateCommand.self, CapacityCommand.self, CompareCommand.self, SweepCommand.self, ScheduleCommand.self, CheckCommand.self, CatalogCommand.self, ValidateCommand.self, PerfCommand.self, CalibrateCommand.self]
    )

    public init() {}

    /// Runs the command named on the command line; input errors exit 65 with their message on stderr.
    public static func run(arguments: [String]? = nil) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as ClusterModelError {
            if case .fileNotFound = error { return report(error.description, code: ExitStatus.noInput) }
            return report(error.description, code: ExitStatus.badInput)
        } catch let error as ThroughputError {
            return report(error.description, code: ExitStatus.badInput)
        } catch let error as SimulationError {
            return report(error.description, code: ExitStatus.timeLimit)
        } catch let error as OptimizationError {
            return report(error.description, code: ExitStatus.failure)
        } catch let error as CLIError {
            return report(error.description, code: error.exitStatus)
        } catch {
            let code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == 0 { Terminal.writeOutput(message) } else { Terminal.writeError(message) }
            }
            return code
        }
    }

    /// As `run(arguments:)`, with nothing written to the terminal (error messages, and reports that would
    /// go to standard output, are held back; files named by --output are written): for embedding and for
    /// test suites, whose output stays clean while they exercise every failure.
    public static func run(quietly arguments: [String]) -> Int32 {
        Terminal.$quiet.withValue(true) { run(arguments: arguments) }
    }

    /// As `run(arguments:)`, with what would reach standard output and standard error returned instead.
    public static func run(capturing arguments: [String]) -> (status: Int32, standardOutput: String, standardError: String) {
        let capture = Terminal.Capture()
        let status = Terminal.$capture.withValue(capture) { run(arguments: arguments) }
        return (status, capture.output, capture.error)
    }

    private static func report(_ message: String, code: Int32) -> Int32 {
        Terminal.writeError("error: " + message)
        return code
    }
}

public enum ExitStatus {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    public static let infeasible: Int32 = 2
    /// The solver stopped at its time limit: no plan, or one not proven optimal.
    public static let timeLimit: Int32 = 3
    public static let usage: Int32 = 64
    public static let badInput: Int32 = 65
    /// sysexits EX_NOINPUT: an input file does not exist.
    public static let noInput: Int32 = 66
    /// sysexits EX_CANTCREAT: an output file cannot be created (no such folder, no permission).
    public static let cannotCreate: Int32 = 73
    /// sysexits EX_IOERR: an output could not be written.
    public static let ioError: Int32 = 74
}

/// Errors that belong to the command line itself: files it may not overwrite, and the like.
public enum CLIError: Error, CustomStringConvertible {
    case refusingToOverwrite(path: String)
    case cannotWrite(path: String, reason: String)
    case cannotCreate(path: String, reason: String)
    case resourceNotFound(what: String, looked: [String], hint: String)

    public var description: String {
        switch self {
        case .refusingToOverwrite(let path):
            return "\(path) exists; pass --force to replace it (or to write into a device or FIFO), or choose another path"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .cannotCreate(let path, let reason):
            return "cannot create \(path): \(reason); choose a folder that exists and that you may write to"
        case .resourceNotFound(let what, let looked, let hint):
            return "no \(what) found (looked in \(looked.joined(separator: ", "))); \(hint)"
        }
    }

    var exitStatus: Int32 {
        switch self {
        case .refusingToOverwrite, .resourceNotFound: return ExitStatus.usage
        case .cannotWrite: return ExitStatus.ioError
        case .cannotCreate: return ExitStatus.cannotCreate
        }
    }
}

enum Terminal {
    /// Set by `SplitPlanCommand.run(quietly:)`.
    @TaskLocal static var quiet = false
    /// Set by `SplitPlanCommand.run(capturing:)`: what would reach the terminal is kept here instead.
    @TaskLocal static var capture: Capture?

    final class Capture: @unchecked Sendable {
        private let lock = NSLock()
        private var outputText = "", errorText = ""
        var output: String { lock.withLock { outputText } }
        var error: String { lock.withLock { errorText } }
        func appendOutput(_ text: String) { lock.withLock { outputText += text } }
        func appendError(_ text: String) { lock.withLock { errorText += text } }
    }

    /// A line of a report on standard output (held back when quiet).
    static func writeOutput(_ line: String) {
        if let capture { return capture.appendOutput(line + "\n") }
        guard !quiet else { return }
        print(line)
    }

    static func writeError(_ message: String) {
        let line = message.hasSuffix("\n") ? message : message + "\n"
        if let capture { return capture.appendError(line) }
        guard !quiet else { return }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Escape sequences (colour, the progress line) only on a terminal that takes them: not when
    /// NO_COLOR is set to anything (no-color.org), nor when TERM is `dumb`.
    static func allowsEscapes(isTerminal: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }
}
