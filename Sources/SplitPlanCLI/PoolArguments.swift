import ArgumentParser
import ClusterModel
import Foundation
import Simulation

/// `--plan PLAN.json` or `--pool ROLE:MACHINE[@CAP]=COUNT ...`: the cluster of `simulate` and `capacity`.
struct ClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A plan written by `plan --format json`.", valueName: "PLAN.json")) var plan: String?
    @Option(help: ArgumentHelp("A pool: role (prompt, token, mixed), machine id, optional @cap, count.", valueName: "ROLE:MACHINE=COUNT"))
    var pool: [String] = []
    @Flag(help: "Keep every machine in its pool: no borrowing into the mixed pool (the scenario's scheduler.borrowing otherwise; on by default).")
    var noBorrowing = false

    /// The scenario's borrowing, unless switched off here.
    var borrowing: Bool? { noBorrowing ? false : nil }

    func validate() throws {
        guard plan == nil || pool.isEmpty else { throw ValidationError("give --plan or --pool, not both") }
        guard plan != nil || !pool.isEmpty else { throw ValidationError("give the cluster: --plan PLAN.json or --pool ROLE:MACHINE=COUNT") }
    }

    /// The pools, checked against the scenario (a plan of another scenario or model is refused) and the catalogue.
    func pools(_ session: ScenarioSession, model: String?) throws -> (pools: [PoolSpec], plan: Provenance.Input?) {
        if let plan {
            let (pools, sha256) = try PoolArguments.fromPlan(plan, scenario: session.scenario, model: model)
            return (pools, Provenance.Input(path: InputFile.url(plan).path, sha256: sha256))
        }
        return (try PoolArguments.parse(pool, catalog: session.catalog), nil)
    }
}

/// Pools from `--pool ROLE:MACHINE[@CAP]=COUNT` or from a plan file.
enum PoolArguments {
    static let syntax = "ROLE:MACHINE[@CAP]=COUNT, e.g. prompt:dgx-h100=25 or token:dgx-h100@0.7=15 (roles: prompt, token, mixed)"

    static func parse(_ arguments: [String], catalog: Catalog) throws -> [PoolSpec] {
        try arguments.map { argument in
            let bad = ClusterModelError.invalidValue(path: "command line", jsonPath: "--pool", value: "\"\(argument)\"", allowed: syntax)
            let parts = argument.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let count = Int(parts[1]), (1...100_000).contains(count) else { throw bad }
            let head = parts[0].split(separator: ":", omittingEmptySubsequences: false)
            guard head.count == 2, let role = Role(rawValue: String(head[0])) else { throw bad }
            let target = head[1].split(separator: "@", omittingEmptySubsequences: false)
            guard (1...2).contains(target.count) else { throw bad }
            let cap = target.count == 2 ? Double(target[1]) : 1
            guard let cap else { throw bad }
            let machine = try catalog.machine(MachineID(String(target[0])), file: "command line", jsonPath: "--pool")
            guard machine.powerCap(fraction: cap) != nil else {
                throw ClusterModelError.invalidValue(path: "command line", jsonPath: "--pool", value: "\"\(argument)\"",
                                                     allowed: "a cap \(machine.id) allows: \(machine.powerCaps.map(\.label).joined(separator: ", "))")
            }
            return PoolSpec(role: role, machine: machine.id, powerCap: cap, count: count)
        }
    }

    /// A plan's pools, refusing a plan made for another scenario or model, or an infeasible one.
    static func fromPlan(_ path: String, scenario: Scenario, model: String?) throws -> (pools: [PoolSpec], sha256: String) {
        let (json, sha256) = try JSONDocument.loadDigested(InputFile.url(path), role: "plan file")
        let planned = try json.child("scenario", expected: "the scenario name the plan was made for").string()
        guard planned == scenario.name else {
            throw ClusterModelError.invalidValue(path: path, jsonPath: "scenario", value: "\"\(planned)\"",
                                                 allowed: "a plan of scenario \"\(scenario.name)\": plan it with `splitplan plan \(scenario.file.path)`")
        }
        let plannedModel = try json.child("model", expected: "a model id").string()
        guard plannedModel == (model ?? scenario.model.rawValue) else {
            throw ClusterModelError.invalidValue(path: path, jsonPath: "model", value: "\"\(plannedModel)\"",
                                                 allowed: "the model simulated (\(model ?? scenario.model.rawValue))")
        }
        guard try json.child("feasible", expected: "true or false").bool() else {
            throw ClusterModelError.invalidValue(path: path, jsonPath: "feasible", value: "false", allowed: "a feasible plan (it has no pools)")
        }
        return (try json.child("pools", expected: "an array of pools").elements().map { pool in
            PoolSpec(role: try pool.child("role", expected: "prompt, token or mixed").choice(Role.self),
                     machine: try pool.child("machine", expected: "a machine id").identifier(MachineID.self),
                     powerCap: try pool.number("powerCap", .above(0, atMost: 1)),
                     count: try pool.integer("count", .atLeast(0, atMost: 100_000)))
        }, sha256)
    }
}
