import ClusterModel
import Foundation

/// Reads a solution back: pools, utilisation, predicted latencies against the SLOs, binding constraints.
struct PlanReader {
    var input: ProvisioningInput
    var formulation: ProvisioningFormulation
    var result: SolveResult
    var slo: SLOTargets
    /// Whether the predicted latencies' bisection settles a step by the mixed pools' tail bounds (the same
    /// answers; off only to check that they are).
    var boundsTails = true

    func work(_ count: ProvisioningFormulation.Count, promptOnly: Bool) -> Double {
        let profile = input.profiles[count.profile]
        return formulation.flows.filter { $0.profile == count.profile && $0.role == count.role }.reduce(0) { total, flow in
            let rate = result.value(flow.variable), k = flow.workloadClass
            switch count.role {
            case .prompt: return total + rate * profile.promptWork[k]
            case .token: return total + rate * profile.tokenWork[k]
            case .mixed:
                let decode = promptOnly ? 0 : (input.mixedProfiles[count.profile]?.tokenWork[k] ?? 0)
                return total + rate * (profile.promptWork[k] + decode)
            }
        }
    }

    func pools(counts: [Double]) -> [ProvisioningPlan.Pool] {
        zip(formulation.counts, counts).compactMap { count, machines in
            guard machines >= 0.5 else { return nil }
            let profile = input.profiles[count.profile]
            let cap: Double, batch: Int?
            switch count.role {
            case .prompt: (cap, batch) = (input.promptUtilisation[count.profile] ?? 0, nil)
            case .token: (cap, batch) = (profile.tokenUtilisation, profile.tokenBatch)
            case .mixed: (cap, batch) = (input.mixedProfiles[count.profile]?.busyShareAtCapacity ?? 0, input.mixedProfiles[count.profile]?.batch)
            }
            var utilisation = work(count, promptOnly: false) / machines
            if count.role == .mixed, let mixed = input.mixedProfiles[count.profile], mixed.occupancyPerInstance > 0 {
                // Busy share scales with the requests held, up to the share at the occupancy the SLOs allow.
                let instances = machines * Double(profile.option.deployment.instancesPerMachine)
                let held = formulation.flows.filter { $0.profile == count.profile && $0.role == .mixed }
                    .reduce(0.0) { $0 + result.value($1.variable) * mixed.holdingSeconds[$1.workloadClass] }
                utilisation = mixed.busyShareAtCapacity * held / (instances * mixed.occupancyPerInstance)
            }
            return ProvisioningPlan.Pool(role: count.role, machine: profile.option.machine.id.rawValue, count: Int(machines),
                                         powerCap: profile.option.powerCap.fraction, utilisation: utilisation,
                                         utilisationCap: cap, decodeBatch: batch,
                                         costPerHourUSD: Double(Int(machines)) * profile.option.pricePerHourUSD,
                                         powerKW: Double(Int(machines)) * profile.option.provisionedKW)
        }.sorted { ($0.role, $0.machine, $0.powerCap) < ($1.role, $1.machine, $1.powerCap) }
    }

    func overload(counts: [Double]) -> OverloadThroughput {
        let pools = zip(formulation.counts, counts).filter { $0.1 >= 0.5 }.map { count, machines in
            OverloadThroughput.Pool(profile: input.profiles[count.profile], role: count.role, machines: Int(machines))
        }
        return OverloadThroughput(pools: pools, classes: input.classes)
    }

    func cost(counts: [Double]) -> Double {
        zip(formulation.counts, counts).reduce(0) { $0 + $1.1 * input.profiles[$1.0.profile].option.pricePerHourUSD }
    }

    func power(counts: [Double]) -> Double {
        zip(formulation.counts, counts).reduce(0) { $0 + $1.1 * input.profiles[$1.0.profile].option.provisionedKW }
    }

    /// Capacity, memory, network, budget and availability rows within 10 % of their bound: with whole
    /// machines a limit rarely holds with equality, but these are the ones that decide the counts.
    func bindingConstraints() -> [String] {
        zip(formulation.model.constraints, result.constraintValues).compactMap { constraint, activity in
            guard constraint.upper.isFinite, constraint.lower == -.infinity,
                  !ProvisioningFormulation.isLogicRow(constraint.name) else { return nil }
            if constraint.upper > 0 { return activity >= 0.9 * constraint.upper ? constraint.name : nil }
            // Pool rows read load − cap · machines ≤ 0: tight when the load is within 10 % of the cap.
            var load = 0.0, limit = 0.0
            for (variable, coefficient) in constraint.expression.terms {
                // Solvers return 1e-10 where they mean 0: an empty pool binds nothing.
                let value = abs(result.value(variable)) < 1e-7 ? 0 : result.value(variable)
                let term = coefficient * value
                if term > 0 { load += term } else { limit -= term }
            }
            return limit > 1e-9 && load >= 0.9 * limit ? constraint.name : nil
        }
    }
}
