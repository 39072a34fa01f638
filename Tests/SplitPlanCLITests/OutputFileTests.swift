import Foundation
import SplitPlanCLI
import Testing

/// Nothing the user has is replaced by surprise: links are written through, devices and FIFOs written
/// into, regular files replaced atomically and only with --force; write errors exit 74.
@Suite(.serialized) struct OutputFileTests {
    let catalog = ["--catalog", Repository.path("Catalog")]

    @Test func aLinkIsWrittenThroughNotReplaced() throws {
        let target = try scratchFile("target.txt", "old\n")
        let link = URL(fileURLWithPath: target).deletingLastPathComponent().appendingPathComponent("link.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(SplitPlanCommand.run(quietly: ["catalog", "--output", link] + catalog) == 64)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")
        #expect(SplitPlanCommand.run(quietly: ["catalog", "--output", link, "--force"] + catalog) == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("Machines"))
    }

    /// A FIFO stands in for /dev/null: it is written into and stays a FIFO.
    @Test func aFIFOStaysAFIFO() throws {
        let fifo = try scratchFile("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = LockedData()
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) { received.set(handle.readDataToEndOfFile()) }
        }
        reader.start()
        #expect(SplitPlanCommand.run(quietly: ["catalog", "--output", fifo, "--force"] + catalog) == 0)
        for _ in 0..<200 where received.get() == nil { Thread.sleep(forTimeInterval: 0.01) }
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        #expect(String(decoding: received.get() ?? Data(), as: UTF8.self).hasPrefix("Machines"))
    }

    /// sysexits EX_CANTCREAT: an output whose folder does not exist cannot be created, and nothing is left.
    @Test func anUncreatableOutputExits73AndLeavesNothingBehind() throws {
        let folder = URL(fileURLWithPath: try scratchFile("missing")).appendingPathComponent("deeper/report.txt").path
        #expect(SplitPlanCommand.run(quietly: ["catalog", "--output", folder] + catalog) == 73)
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    /// A full device (Linux's /dev/full) fails every write: the report and the LP export both exit 74
    /// with the path, and the device stays a device.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aFullDeviceExits74() throws {
        #expect(SplitPlanCommand.run(quietly: ["catalog", "--output", "/dev/full", "--force"] + catalog) == 74)
        #expect(SplitPlanCommand.run(quietly: ["plan", "--design", "baseline-h100", "--emit-lp", "/dev/full", "--force",
                                                 "--output", try scratchFile("p.txt")] + catalog) == 74)
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
    }

    /// `-` as an input is standard input: a scenario piped in validates and plans (relative paths in it
    /// would resolve against the working folder).
    @Test func aDashReadsStandardInput() throws {
        let scenario = """
            {"schemaVersion": 1, "model": "llama2-70b",
             "workload": {"arrivals": {"process": "poisson", "ratePerSecond": 2},
                          "promptTokens": {"distribution": "fixed", "tokens": 1000},
                          "outputTokens": {"distribution": "fixed", "tokens": 100}, "durationSeconds": 30},
             "designs": ["baseline-h100"]}
            """
        for arguments in [["validate", "-"], ["plan", "-", "--format", "json", "--output", try scratchFile("plan.json")]] {
            var ends: [Int32] = [0, 0]
            #expect(pipe(&ends) == 0)
            _ = scenario.withCString { write(ends[1], $0, strlen($0)) }
            close(ends[1])
            let saved = dup(STDIN_FILENO)
            dup2(ends[0], STDIN_FILENO)
            close(ends[0])
            let status = SplitPlanCommand.run(quietly: arguments + catalog)
            dup2(saved, STDIN_FILENO)
            close(saved)
            #expect(status == 0, "\(arguments)")
        }
    }

    @Test func junitNeedsForceToReplace() throws {
        let junit = try scratchFile("report.xml", "<keep/>")
        let fixture = Repository.path("Tests/Fixtures/check/failing-expectation.json")
        #expect(SplitPlanCommand.run(quietly: ["check", fixture, "--junit", junit, "--output", try scratchFile("c.txt")]) == 64)
        #expect(try String(contentsOfFile: junit, encoding: .utf8) == "<keep/>")
    }
}

private final class LockedData: @unchecked Sendable {
    private var data: Data?
    private let lock = NSLock()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data? { lock.lock(); defer { lock.unlock() }; return data }
}
