import ClusterModel

/// Which machine each profiled GPU calibrates: the one named, or the catalogue's only
/// (else first, by id) machine built from that GPU.
public struct CalibrationRun: Sendable {
    public var machine: MachineSpec
    public var samples: [ProfileSample]

    public static func plan(samples: [ProfileSample], catalog: Catalog, machine named: MachineID?, file: String) throws -> [CalibrationRun] {
        let hardware = Array(Set(samples.map(\.hardware))).sorted()
        return try hardware.map { gpu in
            let group = samples.filter { $0.hardware == gpu }
            if let named {
                let machine = try catalog.machine(named, file: "command line", jsonPath: "--machine")
                guard machine.gpu == gpu || hardware.count == 1 else {
                    throw ThroughputError.unknownProfileHardware(path: file, hardware: gpu.rawValue, known: [machine.gpu.rawValue])
                }
                return CalibrationRun(machine: machine, samples: group)
            }
            guard let machine = catalog.sortedMachines.first(where: { $0.gpu == gpu }) else {
                let known = catalog.sortedMachines.map(\.gpu.rawValue)
                throw ThroughputError.unknownProfileHardware(path: file, hardware: gpu.rawValue, known: Array(Set(known)).sorted())
            }
            return CalibrationRun(machine: machine, samples: group)
        }
    }
}

/// What `calibrate` reports for one machine: the constants and the fit's error table.
public struct CalibrationResult: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var tensorParallel: Int
        public var phase: Phase
        public var configurations: Int
        public var medianAbsolutePercentError: Double
        public var p90AbsolutePercentError: Double
        public var maxAbsolutePercentError: Double

        public init(_ error: CalibrationError) {
            tensorParallel = error.tensorParallel
            phase = error.phase
            configurations = error.configurations
            medianAbsolutePercentError = error.medianPercent
            p90AbsolutePercentError = error.p90Percent
            maxAbsolutePercentError = error.maxPercent
        }
    }

    public var machine: String
    public var hardware: String
    public var configurations: Int
    public var calibration: MachineCalibration
    public var errors: [Row]

    public init(machine: String, hardware: String, configurations: Int, calibration: MachineCalibration, errors: [Row]) {
        self.machine = machine
        self.hardware = hardware
        self.configurations = configurations
        self.calibration = calibration
        self.errors = errors
    }
}
