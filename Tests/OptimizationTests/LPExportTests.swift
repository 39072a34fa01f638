import Foundation
@testable import GLPKBackend
import Optimization
import Testing

/// The stock GLPK solver, from Debian's glpk-utils (installed by scripts/install-deps.sh).
let glpsol = ["/usr/bin/glpsol", "/usr/local/bin/glpsol"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Solves an LP file with glpsol and returns the objective it reports.
func glpsolObjective(_ lpPath: String) throws -> Double? {
    guard let glpsol else { return nil }
    let solution = lpPath + ".sol"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: glpsol)
    process.arguments = ["--lp", lpPath, "-o", solution]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let text = try String(contentsOfFile: solution, encoding: .utf8)
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Objective:") }),
          let equals = line.firstIndex(of: "=") else { return nil }
    return Double(line[line.index(after: equals)...].split(separator: " ").first ?? "")
}

@Suite struct LPExportTests {
    @Test(.enabled(if: glpsol != nil, "needs glpsol (apt-get install glpk-utils)"), arguments: [3, 17, 42, 99] as [UInt64])
    func writtenModelsSolveToTheSameObjective(seed: UInt64) throws {
        let model = randomProgram(seed: seed)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-\(UUID().uuidString).lp").path
        try GLPKSolver().writeLP(model, to: path)
        let ours = try GLPKSolver().solve(model, options: SolveOptions(relativeGap: 0))
        let theirs = try glpsolObjective(path)
        if ours.status == .optimal, let objective = ours.objectiveValue {
            let stock = try #require(theirs)
            #expect(abs(stock - objective) <= 1e-6 * max(1, abs(objective)))
        }
    }

    @Test func namesAreMadeLegalForTheLPFormat() throws {
        var model = LinearModel()
        let x = model.addVariable("n[dgx-h100@0.7,token]", kind: .integer, upper: 4)
        model.addConstraint("kv-memory[dgx-h100,mixed]", LinearExpression(x), upper: 3)
        model.maximize(LinearExpression(x))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-names-\(UUID().uuidString).lp").path
        try GLPKSolver().writeLP(model, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("n_dgx_h100@0.7,token_") && text.contains("kv_memory_dgx_h100,mixed_"))
    }
}

/// Names GLPK writes into LP files: kept where CPLEX LP allows them, `_` elsewhere, never a leading digit.
@Test(arguments: [("cap[prompt:dgx-h100@0.7]", "cap_prompt_dgx_h100@0.7_"), ("8x-a40", "x8x_a40"), (".5", "x.5"), ("", "x"),
                  ("kv-receive h100 → a100", "kv_receive_h100___a100"), ("tbt(1){2}", "tbt(1){2}")])
func lpNamesAreSanitised(name: String, expected: String) {
    #expect(LPName.sanitize(name) == expected)
    #expect(LPName.sanitize(String(repeating: "a", count: 400)).count == 250)
}

/// GLPK's own words never reach the user: its dump is reduced to the diagnosis and what to look for.
@Test func glpkFailuresReadAsAPlainSentence() {
    let dump = "Scaling...\n A: min|aij| = 4.941e-324  max|aij| =  6.250e+00  ratio =        inf\nglp_set_sjj: j = 2; sjj = 0; invalid scale factor\nError detected in file api/prob4.c at line 77\n"
    let reason = GLPKSolver.plainReason(dump)
    #expect(reason.contains("(invalid scale factor)") && reason.contains("figures near zero") && !reason.contains("glp_") && !reason.contains("aij"))
}
