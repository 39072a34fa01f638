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

enum OutputFile {
    /// Standard output, or a file that is replaced only with `force`.
    static func write(_ text: String, to path: String?, force: Bool) throws {
        guard let path else {
            print(text, terminator: "")
            return
        }
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: url.path), !force { throw CLIError.refusingToOverwrite(path: url.path) }
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw CLIError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}

enum LPExport {
    static func write(planner: ProvisioningPlanner, request: PlanRequest, design: String, to path: String, force: Bool) throws {
        guard let chosen = Design(rawValue: design) else { return }
        if FileManager.default.fileExists(atPath: path), !force { throw CLIError.refusingToOverwrite(path: path) }
        try GLPKSolver().writeLP(try planner.linearModel(request, design: chosen), to: path)
    }
}
