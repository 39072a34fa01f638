import Foundation

extension Scenario {
    static let keys = [
        "schemaVersion", "name", "description", "catalog", "model", "tensorParallel", "workload", "slo", "budget",
        "objective", "designs", "machines", "availability", "catalogOverrides", "scheduler", "demand", "schedule", "expect",
    ]

    /// Longest workload a scenario may ask for: one year.
    public static let maximumDurationSeconds = 31_536_000.0

    /// Reads and validates a scenario file. Paths inside it resolve against the file's directory (the
    /// working directory for standard input).
    /// References to catalogue ids are checked separately, by `checkReferences(in:)`.
    public static func load(_ url: URL) throws -> Scenario {
        let (json, sha256) = try JSONDocument.loadDigested(url, role: "scenario file")
        _ = try json.object(expected: "a scenario object")
        try json.requireKeys(within: keys)
        try SchemaVersion.check(json)
        let base = InputFile.base(of: url)
        // A design named twice would be planned twice: keep the first of each.
        let designs = try json.optionalChild("designs").map { list in
            try nonEmptyList(list) { try $0.choice(Design.self) }.reduce(into: [Design]()) { if !$0.contains($1) { $0.append($1) } }
        }
        let machines = try json.optionalChild("machines").map {
            try nonEmptyList($0) { try $0.identifier(MachineID.self) }
        }
        var scenario = Scenario(
            file: url,
            name: try json.optionalChild("name")?.string() ?? url.deletingPathExtension().lastPathComponent,
            description: try json.optionalChild("description")?.string() ?? "",
            catalogDirectory: try json.optionalChild("catalog").map { resolve(try $0.string(allowed: "a directory path"), base) },
            model: try json.child("model", expected: "a model id").identifier(ModelID.self),
            tensorParallel: try json.optionalChild("tensorParallel")?.integer(.atLeast(1, atMost: 1024)),
            workload: try Workload(json: json.child("workload", expected: "a workload object"), base: base),
            slo: try json.optionalChild("slo").map(SLOSet.init(json:)) ?? SLOSet(),
            budget: try json.optionalChild("budget").map(Budget.init(json:)) ?? Budget(),
            objective: try json.optionalChild("objective")?.choice(Objective.self) ?? .minCost,
            designs: designs ?? [.auto],
            machines: machines,
            availability: try json.optionalChild("availability").map(availability) ?? [:],
            expect: try json.optionalChild("expect").map { try Expectations(json: $0, designs: designs ?? [.auto]) }
        )
        scenario.catalogOverrides = try json.optionalChild("catalogOverrides").map(catalogOverrides) ?? []
        scenario.scheduler = try json.optionalChild("scheduler").map(SchedulerPolicy.init(json:)) ?? SchedulerPolicy()
        scenario.demand = try json.optionalChild("demand").map { try DemandCurve(json: $0, base: base) }
        scenario.schedule = try json.optionalChild("schedule").map(ScheduleSettings.init(json:)) ?? ScheduleSettings()
        if scenario.expect?.schedule != nil, scenario.demand == nil {
            throw ClusterModelError.missingKey(path: url.path, jsonPath: "demand",
                                               expected: "a demand curve: expect.schedule bounds the schedule that follows it")
        }
        scenario.sourceSHA256 = sha256
        return scenario
    }

    /// `[{"key": "machine.<id>.<field>", "value": number, "source": "..."}]`: the key in `compare --set`
    /// syntax, restricted to catalogue figures; the value within the range the catalogue loader allows.
    private static func catalogOverrides(_ json: JSONCursor) throws -> [SettingOverride] {
        try json.elements(expected: "an array of {key, value, source}").map { entry in
            _ = try entry.object(expected: "an object {key, value, source}")
            try entry.requireKeys(within: ["key", "value", "source"])
            let keyJSON = try entry.child("key", expected: "a catalogue key: \(SettingOverride.catalogKeys)")
            let key = try keyJSON.string(allowed: "a catalogue key: \(SettingOverride.catalogKeys)")
            if let replacement = SettingOverride.replacement(forKey: key) { throw keyJSON.invalid(expected: replacement) }
            guard let rule = SettingOverride.catalogRule(forKey: key) else {
                throw keyJSON.invalid(expected: "a catalogue key: \(SettingOverride.catalogKeys)")
            }
            let value = try entry.number("value", rule)
            let source = try entry.child("source", expected: "a citation for the value").string(allowed: "a citation string")
            guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw try entry.child("source", expected: "").invalid(expected: "a non-empty citation for the value")
            }
            return SettingOverride(key: key, value: "\(value)", source: source, file: json.file, keyPath: entry.path(appending: "key"),
                                   idPath: entry.path(appending: "key"), valuePath: entry.path(appending: "value"))
        }
    }

    /// Checks every catalogue id the scenario names: the model, machines, the SLO reference machine.
    public func checkReferences(in catalog: Catalog) throws {
        let path = file.path
        _ = try catalog.model(model, file: path, jsonPath: "model")
        for (index, machine) in (machines ?? []).enumerated() {
            _ = try catalog.machine(machine, file: path, jsonPath: "machines[\(index)]")
        }
        for machine in availability.keys.sorted() {
            _ = try catalog.machine(machine, file: path, jsonPath: "availability.\(machine)")
        }
        if let reference = slo.referenceMachine {
            _ = try catalog.machine(reference, file: path, jsonPath: "slo.referenceMachine")
        }
    }

    /// Every trace file the scenario names, loaded and validated.
    public func loadTraces() throws -> [URL: Trace] {
        var traces: [URL: Trace] = [:]
        for file in traceFiles where traces[file] == nil {
            traces[file] = try Trace.load(file)
        }
        return traces
    }

    /// The trace files the scenario names, in the order it names them.
    public var traceFiles: [URL] {
        var files: [URL] = []
        switch workload {
        case .trace(let replay):
            files.append(replay.file)
        case .generated(let generated):
            for distribution in [generated.promptTokens, generated.outputTokens] {
                if case .trace(let file) = distribution { files.append(file) }
            }
        }
        if let demand, case .trace(let file, _) = demand.rates { files.append(file) }
        return files
    }

    static func resolve(_ path: String, _ base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL
            : base.appendingPathComponent(path).standardizedFileURL
    }

    private static func nonEmptyList<T>(_ json: JSONCursor, _ item: (JSONCursor) throws -> T) throws -> [T] {
        let elements = try json.elements(expected: "a non-empty array")
        guard !elements.isEmpty else { throw json.invalid(expected: "a non-empty array") }
        return try elements.map(item)
    }

    private static func availability(_ json: JSONCursor) throws -> [MachineID: Int] {
        var result: [MachineID: Int] = [:]
        for key in try json.object().keys.sorted() {
            let count = try json.integer(key, .atLeast(0, atMost: 1_000_000))
            guard IdentifierSyntax.isValid(key) else {
                throw ClusterModelError.invalidValue(
                    path: json.file, jsonPath: json.path(appending: key), value: "\"\(key)\"",
                    allowed: "a machine id (\(IdentifierSyntax.allowed))")
            }
            result[MachineID(key)] = count
        }
        return result
    }
}

extension Workload {
    init(json: JSONCursor, base: URL) throws {
        try json.requireKeys(within: ["trace", "arrivals", "promptTokens", "outputTokens", "durationSeconds"])
        let hasTrace = try json.has("trace"), hasArrivals = try json.has("arrivals")
        guard hasTrace != hasArrivals else {
            throw json.invalid(expected: "exactly one of \"trace\" (replay a trace file) or \"arrivals\" (generate requests)")
        }
        let duration = NumberRule.above(0, atMost: Scenario.maximumDurationSeconds)
        if hasTrace {
            for key in ["promptTokens", "outputTokens", "durationSeconds"] where try json.has(key) {
                throw ClusterModelError.invalidValue(
                    path: json.file, jsonPath: json.path(appending: key), value: "present",
                    allowed: "absent with \"trace\": sizes and duration come from the trace (use trace.durationSeconds for a window)")
            }
            let trace = try json.child("trace", expected: "a trace object")
            try trace.requireKeys(within: ["file", "rateScale", "startSeconds", "durationSeconds"])
            self = .trace(TraceWorkload(
                file: Scenario.resolve(try trace.string("file"), base),
                rateScale: try trace.optionalNumber("rateScale", .above(0, atMost: 1e6)) ?? 1,
                startSeconds: try trace.optionalNumber("startSeconds", .atLeast(0, atMost: Scenario.maximumDurationSeconds)) ?? 0,
                durationSeconds: try trace.optionalNumber("durationSeconds", duration)))
        } else {
            let arrivals = try json.child("arrivals", expected: "an arrivals object")
            self = .generated(GeneratedWorkload(
                arrivals: try ArrivalProcess(json: arrivals),
                promptTokens: try TokenDistribution(json: json.child("promptTokens", expected: "a size distribution"), base: base),
                outputTokens: try TokenDistribution(json: json.child("outputTokens", expected: "a size distribution"), base: base),
                durationSeconds: try json.number("durationSeconds", duration)))
        }
    }
}

extension ArrivalProcess {
    enum Kind: String, CaseIterable { case poisson, gamma }

    init(json: JSONCursor) throws {
        let kind = try json.child("process", expected: "poisson or gamma").choice(Kind.self)
        let rate = try json.number("ratePerSecond", .ratePerSecond)
        switch kind {
        case .poisson:
            try json.requireKeys(within: ["process", "ratePerSecond"])
            self = .poisson(ratePerSecond: rate)
        case .gamma:
            try json.requireKeys(within: ["process", "ratePerSecond", "cv"])
            self = .gamma(ratePerSecond: rate, cv: try json.number("cv", .above(0, atMost: 100)))
        }
    }
}

extension TokenDistribution {
    enum Kind: String, CaseIterable { case fixed, uniform, lognormal, trace }

    init(json: JSONCursor, base: URL) throws {
        switch try json.child("distribution", expected: "fixed, uniform, lognormal or trace").choice(Kind.self) {
        case .fixed:
            try json.requireKeys(within: ["distribution", "tokens"])
            self = .fixed(tokens: try json.integer("tokens", .tokenCount))
        case .uniform:
            try json.requireKeys(within: ["distribution", "minTokens", "maxTokens"])
            let low = try json.integer("minTokens", .tokenCount)
            let high = try json.integer("maxTokens", .tokenCount)
            guard high >= low else {
                throw try json.child("maxTokens", expected: "").invalid(expected: "at least minTokens (\(low))")
            }
            self = .uniform(minTokens: low, maxTokens: high)
        case .lognormal:
            try json.requireKeys(within: ["distribution", "medianTokens", "sigma"])
            self = .lognormal(medianTokens: try json.number("medianTokens", .atLeast(1, atMost: 1_000_000)),
                              sigma: try json.number("sigma", .above(0, atMost: 10)))
        case .trace:
            try json.requireKeys(within: ["distribution", "file"])
            self = .trace(file: Scenario.resolve(try json.string("file"), base))
        }
    }
}

extension SLOSet {
    init(json: JSONCursor) throws {
        try json.requireKeys(within: ["referenceMachine"] + LatencyMetric.allCases.map(\.rawValue))
        var targets: [LatencyMetric: [Percentile: SLOTarget]] = [:]
        for metric in LatencyMetric.allCases {
            guard let metricJSON = try json.optionalChild(metric.rawValue) else { continue }
            try metricJSON.requireKeys(within: Percentile.allCases.map(\.rawValue))
            for percentile in Percentile.allCases {
                guard let target = try metricJSON.optionalChild(percentile.rawValue) else { continue }
                targets[metric, default: [:]][percentile] = try SLOTarget(json: target)
            }
        }
        let reference = try json.optionalChild("referenceMachine")?.identifier(MachineID.self)
        self.init(referenceMachine: reference, targets: targets)
        if usesSlowdown, reference == nil {
            throw ClusterModelError.missingKey(
                path: json.file, jsonPath: json.path(appending: "referenceMachine"),
                expected: "a machine id: slowdown targets are relative to the same request alone on it")
        }
    }
}

extension SLOTarget {
    static let allowed = "a number of seconds > 0, {\"seconds\": s > 0} or {\"slowdown\": x >= 1}"

    init(json: JSONCursor) throws {
        let seconds = NumberRule.above(0, atMost: Scenario.maximumDurationSeconds)
        if case .number = json.value {
            guard seconds.accepts(try json.number(.positive)) else { throw json.invalid(expected: Self.allowed) }
            self = .seconds(try json.number(seconds))
            return
        }
        guard case .object(let members) = json.value, members.count == 1 else { throw json.invalid(expected: Self.allowed) }
        try json.requireKeys(within: ["seconds", "slowdown"])
        if try json.has("seconds") {
            self = .seconds(try json.number("seconds", seconds))
        } else {
            self = .slowdown(try json.number("slowdown", .atLeast(1, atMost: 1e6)))
        }
    }
}

extension Budget {
    init(json: JSONCursor) throws {
        try json.requireKeys(within: ["costPerHourUSD", "powerKW"])
        self.init(costPerHourUSD: try json.optionalNumber("costPerHourUSD", .above(0)),
                  powerKW: try json.optionalNumber("powerKW", .above(0)))
    }
}

extension Expectations {
    init(json: JSONCursor, designs: [Design]) throws {
        try json.requireKeys(within: ["feasible", "maxCostPerHourUSD", "maxPowerKW", "minRequestsPerSecond", "design", "sloMetInSimulation", "ratios",
                                      "schedule"])
        ratios = try json.optionalChild("ratios").map { list in
            try list.elements(expected: "an array of {design, baseline, figure, atLeast, atMost, claim}").map { try DesignRatio(json: $0, designs: designs) }
        } ?? []
        feasible = try json.optionalChild("feasible")?.bool()
        maxCostPerHourUSD = try json.optionalNumber("maxCostPerHourUSD", .above(0))
        maxPowerKW = try json.optionalNumber("maxPowerKW", .above(0))
        minRequestsPerSecond = try json.optionalNumber("minRequestsPerSecond", .nonNegative)
        design = try json.optionalChild("design")?.choice(Design.self)
        sloMetInSimulation = try json.optionalChild("sloMetInSimulation")?.bool()
        schedule = try json.optionalChild("schedule").map(ScheduleExpectations.init(json:))
    }
}

extension ScheduleExpectations {
    static let keys = ["maxCostUSD", "maxEnergyKWh", "minCostSavingPercent", "sloMetInEveryPeriod"]

    init(json: JSONCursor) throws {
        _ = try json.object(expected: "a schedule expectation {\(Self.keys.joined(separator: ", "))}")
        try json.requireKeys(within: Self.keys)
        maxCostUSD = try json.optionalNumber("maxCostUSD", .above(0))
        maxEnergyKWh = try json.optionalNumber("maxEnergyKWh", .above(0))
        minCostSavingPercent = try json.optionalNumber("minCostSavingPercent", .atLeast(-1e6, atMost: 100))
        sloMetInEveryPeriod = try json.optionalChild("sloMetInEveryPeriod")?.bool()
    }
}
