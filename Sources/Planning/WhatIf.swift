import ClusterModel
import Foundation

/// `--set key=value` overrides of catalogue and scenario values, for what-if comparisons.
public struct WhatIf: Sendable, Equatable {
    public var key: String
    public var value: String

    public static let machineFields = ["pricePerHourUSD", "powerKW", "infinibandGbpsPerGPU", "kvTransferSetupSeconds"]
    public static let gpuFields = ["denseFP16TFLOPS", "memoryGiB", "memoryBandwidthGBps", "interconnectGBps", "tdpWatts", "idleWatts", "promptWatts", "tokenWatts"]
    public static let allowedKeys = "machine.<id>.(\(machineFields.joined(separator: "|"))), gpu.<id>.(\(gpuFields.joined(separator: "|"))), "
        + "workload.rate, budget.costPerHourUSD, budget.powerKW, objective, slo.<ttft|tbt|e2e>.<p50|p90|p99>.<slowdown|seconds>"

    /// Parses `key=value`; the key's shape is checked here, the ids and values when applied.
    public init(_ argument: String) throws {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ClusterModelError.invalidValue(path: "command line", jsonPath: "--set", value: "\"\(argument)\"", allowed: "KEY=VALUE with KEY one of " + Self.allowedKeys)
        }
        key = String(parts[0])
        value = String(parts[1])
    }

    /// Applies the overrides in order to copies of the catalogue and scenario.
    public static func apply(_ overrides: [WhatIf], catalog: Catalog, scenario: Scenario) throws -> (Catalog, Scenario) {
        var catalog = catalog, scenario = scenario
        for override in overrides { try override.apply(to: &catalog, &scenario) }
        return (catalog, scenario)
    }

    private func number(_ rule: NumberRule) throws -> Double {
        guard let number = Double(value), rule.accepts(number) else { throw bad(rule.description) }
        return number
    }

    private func bad(_ allowed: String) -> ClusterModelError {
        .invalidValue(path: "command line", jsonPath: "--set \(key)", value: "\"\(value)\"", allowed: allowed)
    }

    private func apply(to catalog: inout Catalog, _ scenario: inout Scenario) throws {
        let path = key.split(separator: ".").map(String.init)
        switch (path.first, path.count) {
        case ("machine", 3):
            var machine = try catalog.machine(MachineID(path[1]), file: "command line", jsonPath: "--set \(key)")
            switch path[2] {
            case "pricePerHourUSD": machine.pricePerHourUSD = try number(.above(0, atMost: 1e6))
            case "powerKW": machine.powerKW = try number(.above(0, atMost: 1e4))
            case "infinibandGbpsPerGPU": machine.infinibandGbpsPerGPU = try number(.above(0, atMost: 1e5))
            case "kvTransferSetupSeconds": machine.kvTransferSetupSeconds = try number(.atLeast(0, atMost: 10))
            case "infinibandGbps": throw bad("the key machine.\(path[1]).infinibandGbpsPerGPU: bandwidth is now given per GPU (the machine has gpuCount of them)")
            default: throw unknownKey()
            }
            catalog.machines[machine.id] = machine
        case ("gpu", 3):
            var gpu = try catalog.gpu(GPUID(path[1]), file: "command line", jsonPath: "--set \(key)")
            let value = try number(.above(0, atMost: 1e6))
            switch path[2] {
            case "denseFP16TFLOPS": gpu.denseFP16TFLOPS = value
            case "memoryGiB": gpu.memoryGiB = value
            case "memoryBandwidthGBps": gpu.memoryBandwidthGBps = value
            case "interconnectGBps": gpu.interconnectGBps = value
            case "tdpWatts": gpu.tdpWatts = value
            case "idleWatts": gpu.idleWatts = value
            case "promptWatts": gpu.promptWatts = value
            case "tokenWatts": gpu.tokenWatts = value
            default: throw unknownKey()
            }
            catalog.gpus[gpu.id] = gpu
        case ("workload", 2) where path[1] == "rate":
            let rate = try number(.above(0, atMost: 1e6))
            switch scenario.workload {
            case .generated(var generated):
                generated.arrivals = { if case .gamma(_, let cv) = generated.arrivals { return .gamma(ratePerSecond: rate, cv: cv) }; return .poisson(ratePerSecond: rate) }()
                scenario.workload = .generated(generated)
            case .trace:
                throw bad("a generated workload: a trace's rate is set by its timestamps (use trace.rateScale in the scenario)")
            }
        case ("budget", 2) where path[1] == "costPerHourUSD": scenario.budget.costPerHourUSD = try number(.positive)
        case ("budget", 2) where path[1] == "powerKW": scenario.budget.powerKW = try number(.positive)
        case ("objective", 1):
            guard let objective = Objective(rawValue: value) else { throw bad(Objective.allCases.map(\.rawValue).joined(separator: ", ")) }
            scenario.objective = objective
        case ("slo", 4):
            guard let metric = LatencyMetric(rawValue: path[1]), let percentile = Percentile(rawValue: path[2]) else { throw unknownKey() }
            switch path[3] {
            case "slowdown":
                guard scenario.slo.referenceMachine != nil else { throw bad("a scenario with slo.referenceMachine for slowdown targets") }
                scenario.slo.targets[metric, default: [:]][percentile] = .slowdown(try number(.atLeast(1, atMost: 1e6)))
            case "seconds": scenario.slo.targets[metric, default: [:]][percentile] = .seconds(try number(.positive))
            default: throw unknownKey()
            }
        default:
            throw unknownKey()
        }
    }

    private func unknownKey() -> ClusterModelError {
        .invalidValue(path: "command line", jsonPath: "--set", value: "\"\(key)\"", allowed: Self.allowedKeys)
    }
}
