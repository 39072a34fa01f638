import ClusterModel

/// Which machine each profiled GPU calibrates: the one named, or the catalogue's only
/// (else first, by id) machine built from that GPU; with its end-to-end and operator samples.
public struct CalibrationRun: Sendable {
    public var machine: MachineSpec
    public var samples: [ProfileSample]
    public var operatorSamples: [OperatorSample] = []

    public static func plan(samples: [ProfileSample], operatorSamples: [OperatorSample] = [], catalog: Catalog,
                            machine named: MachineID?, file: String) throws -> [CalibrationRun] {
        var hardware = Array(Set(samples.map(\.hardware) + operatorSamples.map(\.hardware))).sorted()
        let namedMachine = try named.map { try catalog.machine($0, file: "command line", jsonPath: "--machine") }
        // A machine named over profiles of several GPUs calibrates on its own GPU's rows; one GPU's
        // profiles may calibrate any machine (a stand-in while its own hardware is unmeasured).
        if let namedMachine, hardware.count > 1 {
            guard hardware.contains(namedMachine.gpu) else {
                throw ThroughputError.noProfileRowsForMachine(path: file, machine: namedMachine.id.rawValue, gpu: namedMachine.gpu.rawValue,
                                                              profiled: hardware.map(\.rawValue))
            }
            hardware = [namedMachine.gpu]
        }
        return try hardware.map { gpu in
            let group = samples.filter { $0.hardware == gpu }
            let operators = operatorSamples.filter { $0.hardware == gpu }
            if let namedMachine { return CalibrationRun(machine: namedMachine, samples: group, operatorSamples: operators) }
            guard let machine = catalog.sortedMachines.first(where: { $0.gpu == gpu }) else {
                let known = catalog.sortedMachines.map(\.gpu.rawValue)
                throw ThroughputError.unknownProfileHardware(path: file, hardware: gpu.rawValue, known: Array(Set(known)).sorted())
            }
            return CalibrationRun(machine: machine, samples: group, operatorSamples: operators)
        }
    }
}

/// What `calibrate` reports for one machine: the constants, the fit's error tables and, when asked,
/// the leave-one-architecture-out error of the GEMM constants.
public struct CalibrationResult: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var tensorParallel: Int
        public var phase: Phase
        public var scope: String
        public var configurations: Int
        public var medianAbsolutePercentError: Double
        public var p90AbsolutePercentError: Double
        public var maxAbsolutePercentError: Double
        public var worst: [String]

        public init(_ error: CalibrationError) {
            tensorParallel = error.tensorParallel
            phase = error.phase
            scope = error.scope
            configurations = error.configurations
            medianAbsolutePercentError = error.medianPercent
            p90AbsolutePercentError = error.p90Percent
            maxAbsolutePercentError = error.maxPercent
            worst = error.worst
        }
    }

    public var machine: String
    public var hardware: String
    public var configurations: Int
    public var operatorConfigurations: Int
    public var calibration: MachineCalibration
    public var errors: [Row]
    /// Error of the constants on the operator (GEMM) profiles, per architecture and pooled.
    public var operatorErrors: [OperatorError]
    public var leaveOneArchitectureOut: [OperatorError]?

    public init(machine: String, hardware: String, configurations: Int, operatorConfigurations: Int = 0,
                calibration: MachineCalibration, errors: [Row], operatorErrors: [OperatorError] = [],
                leaveOneArchitectureOut: [OperatorError]? = nil) {
        self.machine = machine
        self.hardware = hardware
        self.configurations = configurations
        self.operatorConfigurations = operatorConfigurations
        self.calibration = calibration
        self.errors = errors
        self.operatorErrors = operatorErrors
        self.leaveOneArchitectureOut = leaveOneArchitectureOut
    }
}

extension OperatorEvaluator {
    /// Errors per architecture, then pooled over all.
    public func errorsByArchitecture(_ calibration: MachineCalibration) -> [OperatorError] {
        guard !samples.isEmpty else { return [] }
        let rows = architectures.map { architecture in
            OperatorError(scope: architecture.description, errors: samples.filter { $0.architecture == architecture }
                .map { ($0.label, abs(predictedSeconds($0, calibration) / $0.seconds - 1)) })
        }
        return rows + [error(calibration, scope: "all architectures")]
    }
}
