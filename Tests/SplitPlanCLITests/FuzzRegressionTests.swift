import Foundation
import SplitPlanCLI
import Testing

/// Inputs `splitplan-fuzz` once found failing, replayed: each case's folder holds its files and
/// `command.txt`; the command must end with an exit code the command line promises.
@Suite(.serialized) struct FuzzRegressionTests {
    static let corpus = Repository.root.appendingPathComponent("Tests/Fixtures/fuzz-regressions")
    static let cases = ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    /// Success, infeasible or unmet, stopped at the time limit, usage, bad input, no input, cannot create, unwritable.
    static let promisedExits: Set<Int32> = [0, 2, 3, 64, 65, 66, 73, 74]

    @Test func theCorpusIsThere() {
        #expect(Self.cases.count >= 3)
    }

    @Test(arguments: cases)
    func replays(name: String) throws {
        let source = Self.corpus.appendingPathComponent(name)
        let folder = URL(fileURLWithPath: try scratchFile(name)).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: source.path).filter { $0 != "command.txt" }
        for file in files {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        // Scenarios name the shipped traces relative to themselves, as in Scenarios/.
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("traces"),
                                                   withDestinationURL: Repository.root.appendingPathComponent("Scenarios/traces"))
        let command = try String(contentsOf: source.appendingPathComponent("command.txt"), encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).map(String.init)
        let arguments = command.map { files.contains($0) ? folder.appendingPathComponent($0).path : $0 }
            + ["--output", folder.appendingPathComponent("report").path, "--catalog", Repository.path("Catalog")]
        let status = SplitPlanCommand.run(quietly: arguments)
        #expect(Self.promisedExits.contains(status), "\(name): exit \(status)")
    }
}
