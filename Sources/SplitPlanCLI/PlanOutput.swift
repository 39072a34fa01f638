import ArgumentParser
import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Planning
import Reporting

/// The JSON `plan` prints: the best plan's fields at the top level, the other designs under `alternatives`.
struct PlanReport: Encodable {
    var scenario: String
    var plans: [ProvisioningPlan]
    var verification: PlanVerifier.Outcome?

    private enum Keys: String, CodingKey { case scenario, alternatives, verification }

    func encode(to encoder: Encoder) throws {
        if let best = plans.first { try best.encode(to: encoder) }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(Array(plans.dropFirst()), forKey: .alternatives)
        try container.encode(verification, forKey: .verification)
    }
}

enum LPExport {
    static func write(planner: ProvisioningPlanner, request: PlanRequest, design: String, to path: String, force: Bool) throws {
        guard let chosen = Design(rawValue: design) else { return }
        if FileManager.default.fileExists(atPath: path), !force { throw CLIError.refusingToOverwrite(path: path) }
        // GLPK writes a scratch file; the result then goes where reports go, by the same rules (atomic, no
        // truncated file on failure, links written through).
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-\(getpid())-\(UUID().uuidString).lp")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try GLPKSolver().writeLP(try planner.linearModel(request, design: chosen), to: scratch.path)
        let data: Data
        do { data = try Data(contentsOf: scratch) } catch { throw CLIError.cannotWrite(path: path, reason: "the model could not be exported") }
        try OutputFile.write(data, to: path, force: force)
    }
}
