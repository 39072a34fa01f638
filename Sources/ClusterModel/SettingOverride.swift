import Foundation

/// One override of a catalogue or scenario value by dotted key: the single mechanism behind
/// `compare --set KEY=VALUE` (what-if comparisons) and a scenario's `catalogOverrides` (sourced values
/// that differ from the catalogue's, such as a paper's power accounting).
public struct SettingOverride: Sendable, Equatable {
    public var key: String
    /// The value as written; numbers are parsed, and checked against the key's range, when applied.
    public var value: String
    /// Why the value differs from the catalogue's (scenario overrides); nil on the command line.
    public var source: String?
    /// Where the override was written, for error messages: the file, and the JSON paths (or command-line
    /// spellings) of its key, of the id in its key, and of its value.
    public var file: String
    var keyPath: String
    var idPath: String
    var valuePath: String

    /// Catalogue fields an override may set, with the range the catalogue loader allows for each.
    public static let machineFields: [(name: String, field: WritableKeyPath<MachineSpec, Double> & Sendable, rule: NumberRule)] = [
        ("pricePerHourUSD", \.pricePerHourUSD, .pricePerHourUSD), ("powerKW", \.powerKW, .machinePowerKW),
        ("infinibandGbpsPerGPU", \.infinibandGbpsPerGPU, .above(0, atMost: 1e5)),
        ("kvTransferSetupSeconds", \.kvTransferSetupSeconds, .atLeast(0, atMost: 10)),
    ]
    public static let gpuFields: [(name: String, field: WritableKeyPath<GPUSpec, Double> & Sendable, rule: NumberRule)] = [
        ("denseFP16TFLOPS", \.denseFP16TFLOPS, .above(0, atMost: 1e6)), ("memoryGiB", \.memoryGiB, .above(0, atMost: 1e6)),
        ("memoryBandwidthGBps", \.memoryBandwidthGBps, .above(0, atMost: 1e6)), ("interconnectGBps", \.interconnectGBps, .above(0, atMost: 1e6)),
        ("tdpWatts", \.tdpWatts, .above(0, atMost: 1e6)), ("idleWatts", \.idleWatts, .above(0, atMost: 1e6)),
        ("promptWatts", \.promptWatts, .above(0, atMost: 1e6)), ("tokenWatts", \.tokenWatts, .above(0, atMost: 1e6)),
    ]
    public static let catalogKeys = "machine.<id>.(\(machineFields.map(\.name).joined(separator: "|"))), gpu.<id>.(\(gpuFields.map(\.name).joined(separator: "|")))"
    public static let allowedKeys = catalogKeys + ", any other value of a catalogue file as <gpu|machine|model>.<id>.<path>, "
        + "workload.rate, budget.costPerHourUSD, budget.powerKW, objective, slo.<ttft|tbt|e2e>.<p50|p90|p99>.<slowdown|seconds>, "
        + "schedule.<drainSeconds|maxRoleChangesPerPeriod|onDemandPriceFactor|cyclic>, scheduler.<\(SchedulerPolicy.keys.joined(separator: "|"))>"

    public init(key: String, value: String, source: String?, file: String, keyPath: String, idPath: String, valuePath: String) {
        self.key = key
        self.value = value
        self.source = source
        self.file = file
        self.keyPath = keyPath
        self.idPath = idPath
        self.valuePath = valuePath
    }

    /// Parses a command-line `key=value`; the key's shape is checked here, the ids and values when applied.
    public init(commandLine argument: String) throws {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ClusterModelError.invalidValue(path: "command line", jsonPath: "--set", value: "\"\(argument)\"", allowed: "KEY=VALUE with KEY one of " + Self.allowedKeys)
        }
        let key = String(parts[0])
        self.init(key: key, value: String(parts[1]), source: nil, file: "command line", keyPath: "--set", idPath: "--set \(key)", valuePath: "--set \(key)")
    }

    /// Applies the overrides in order to copies of the catalogue and scenario.
    public static func apply(_ overrides: [SettingOverride], catalog: Catalog, scenario: Scenario) throws -> (Catalog, Scenario) {
        var catalog = catalog, scenario = scenario
        for override in overrides { try override.apply(to: &catalog, &scenario) }
        return (catalog, scenario)
    }

    /// The numeric range of a catalogue key (`machine.<id>.<field>`, `gpu.<id>.<field>`); nil for other keys.
    public static func catalogRule(forKey key: String) -> NumberRule? {
        let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.count == 3, IdentifierSyntax.isValid(path[1]) else { return nil }
        switch path[0] {
        case "machine": return machineFields.first { $0.name == path[2] }?.rule
        case "gpu": return gpuFields.first { $0.name == path[2] }?.rule
        default: return nil
        }
    }

    /// What to write instead of a key that earlier versions used.
    static func replacement(forKey key: String) -> String? {
        let path = key.split(separator: ".").map(String.init)
        guard path.count == 3, path[0] == "machine", path[2] == "infinibandGbps" else { return nil }
        return "the key machine.\(path[1]).infinibandGbpsPerGPU: bandwidth is now given per GPU (the machine has gpuCount of them)"
    }

    private func number(_ rule: NumberRule) throws -> Double {
        guard let number = Double(value), number.isFinite, rule.accepts(number) else { throw bad(rule.description) }
        return number
    }

    func bad(_ allowed: String) -> ClusterModelError {
        .invalidValue(path: file, jsonPath: valuePath, value: source == nil ? "\"\(value)\"" : value, allowed: allowed)
    }

    private func apply(to catalog: inout Catalog, _ scenario: inout Scenario) throws {
        let path = key.split(separator: ".").map(String.init)
        if let replacement = Self.replacement(forKey: key) {
            throw ClusterModelError.invalidValue(path: file, jsonPath: keyPath, value: "\"\(key)\"", allowed: replacement)
        }
        switch (path.first, path.count) {
        case ("machine", 3) where Self.machineFields.contains(where: { $0.name == path[2] }):
            guard let entry = Self.machineFields.first(where: { $0.name == path[2] }) else { throw unknownKey() }
            var machine = try catalog.machine(MachineID(path[1]), file: file, jsonPath: idPath)
            machine[keyPath: entry.field] = try number(entry.rule)
            catalog.machines[machine.id] = machine
        case ("gpu", 3) where Self.gpuFields.contains(where: { $0.name == path[2] }):
            guard let entry = Self.gpuFields.first(where: { $0.name == path[2] }) else { throw unknownKey() }
            var gpu = try catalog.gpu(GPUID(path[1]), file: file, jsonPath: idPath)
            gpu[keyPath: entry.field] = try number(entry.rule)
            catalog.gpus[gpu.id] = gpu
        case _ where Self.isCatalogPatch(path) && source == nil:
            try patchCatalog(&catalog, path: path)
        case ("workload", 2) where path[1] == "rate":
            let rate = try number(.ratePerSecond)
            switch scenario.workload {
            case .generated(var generated):
                generated.arrivals = { if case .gamma(_, let cv) = generated.arrivals { return .gamma(ratePerSecond: rate, cv: cv) }; return .poisson(ratePerSecond: rate) }()
                scenario.workload = .generated(generated)
            case .trace:
                throw bad("a generated workload: a trace's rate is set by its timestamps (use trace.rateScale in the scenario)")
            }
        case ("budget", 2) where path[1] == "costPerHourUSD": scenario.budget.costPerHourUSD = try number(.positive)
        case ("budget", 2) where path[1] == "powerKW": scenario.budget.powerKW = try number(.positive)
        case ("schedule", 2) where path[1] == "drainSeconds": scenario.schedule.drainSeconds = try number(.atLeast(0, atMost: Scenario.maximumDurationSeconds))
        case ("schedule", 2) where path[1] == "maxRoleChangesPerPeriod":
            scenario.schedule.maxRoleChangesPerPeriod = Int(try number(NumberRule.atLeast(0, atMost: 1e6).integral))
        case ("schedule", 2) where path[1] == "onDemandPriceFactor": scenario.schedule.onDemandPriceFactor = try number(.above(0, atMost: 1000))
        case ("schedule", 2) where path[1] == "cyclic":
            guard let flag = Bool(value) else { throw bad("true or false") }
            scenario.schedule.cyclic = flag
        case ("scheduler", 2) where path[1] == "borrowing":
            guard let flag = Bool(value) else { throw bad("true or false") }
            scenario.scheduler.borrowing = flag
        case ("scheduler", 2) where path[1] == "wholePromptBatching":
            guard let flag = Bool(value) else { throw bad("true or false") }
            scenario.scheduler.wholePromptBatching = flag
        case ("scheduler", 2):
            guard let entry = SchedulerPolicy.numberRules.first(where: { $0.key == path[1] }) else { throw unknownKey() }
            scenario.scheduler.set(entry.key, to: try number(entry.rule))
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
        if Self.isCatalogPatch(path) { catalog.appliedOverrides.append("\(key)=\(value)") }
    }

    private func unknownKey() -> ClusterModelError {
        .invalidValue(path: file, jsonPath: keyPath, value: "\"\(key)\"", allowed: source == nil ? Self.allowedKeys : Self.catalogKeys)
    }
}
