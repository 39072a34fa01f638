/// One machine type (a server of identical GPUs), priced and powered as a unit.
public struct MachineSpec: Sendable, Equatable {
    public var id: MachineID
    public var name: String
    public var gpu: GPUID
    public var gpuCount: Int
    /// Machine-to-machine network bandwidth of one GPU's NIC (the KV-cache path), gigabits per second.
    /// Stored per GPU because that is how Splitwise's Table I and cloud instance pages quote it.
    public var infinibandGbpsPerGPU: Double
    /// Fixed cost of one KV-cache handoff that layer-wise overlap cannot hide (synchronising the two
    /// machines, signalling completion, handing the request to the token machine), seconds.
    public var kvTransferSetupSeconds: Double
    public var pricePerHourUSD: Double
    /// Provisioned power at power cap 1.0.
    public var powerKW: Double
    public var powerCaps: [PowerCap]
    public var calibration: MachineCalibration
    public var sources: [String: String]

    public init(
        id: MachineID, name: String, gpu: GPUID, gpuCount: Int, infinibandGbpsPerGPU: Double, kvTransferSetupSeconds: Double = 0,
        pricePerHourUSD: Double, powerKW: Double, powerCaps: [PowerCap], calibration: MachineCalibration, sources: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.gpu = gpu
        self.gpuCount = gpuCount
        self.infinibandGbpsPerGPU = infinibandGbpsPerGPU
        self.kvTransferSetupSeconds = kvTransferSetupSeconds
        self.pricePerHourUSD = pricePerHourUSD
        self.powerKW = powerKW
        self.powerCaps = powerCaps
        self.calibration = calibration
        self.sources = sources
    }

    /// All the machine's NICs together: one per GPU.
    public var infinibandGbpsPerMachine: Double { infinibandGbpsPerGPU * Double(gpuCount) }
    public var infinibandBytesPerSecondPerMachine: Double { infinibandGbpsPerMachine * 1e9 / 8 }

    public func powerCap(fraction: Double) -> PowerCap? {
        powerCaps.first { abs($0.fraction - fraction) < 1e-9 }
    }

    /// Provisioned power of the machine when capped to `fraction` of its nameplate power.
    public func provisionedPowerKW(capFraction: Double) -> Double { powerKW * capFraction }
}

/// A power cap the machine supports: a fraction of machine power and the per-GPU limit it implies.
public struct PowerCap: Sendable, Equatable, Hashable {
    public var fraction: Double
    public var gpuPowerLimitWatts: Double

    public init(fraction: Double, gpuPowerLimitWatts: Double) {
        self.fraction = fraction
        self.gpuPowerLimitWatts = gpuPowerLimitWatts
    }

    /// How a cap is written in ids, keys and reports: `0.7`, `1.0`.
    public var label: String { String(fraction) }
}

extension MachineSpec {
    static let keys = [
        "schemaVersion", "id", "name", "gpu", "gpuCount", "infinibandGbpsPerGPU", "kvTransferSetupSeconds",
        "pricePerHourUSD", "powerKW", "powerCaps", "calibration", "sources",
    ]
    /// Keys of earlier catalogue versions, with what replaced them.
    static let renamedKeys = [
        "infinibandGbps": ("infinibandGbpsPerGPU",
                           "Gb/s of one GPU's NIC; the machine's bandwidth is that x gpuCount (a DGX-A100 has 8 x 200 Gb/s HDR, "
                           + "so 200; a DGX-H100 8 x 400 Gb/s NDR, so 400); the old per-machine key understated it 8-fold"),
    ]

    public init(json: JSONCursor) throws {
        for (old, (new, note)) in Self.renamedKeys.sorted(by: { $0.key < $1.key }) where try json.has(old) {
            throw ClusterModelError.renamedKey(path: json.file, jsonPath: json.path(appending: old), newKey: new, note: note)
        }
        try json.requireKeys(within: Self.keys)
        try SchemaVersion.check(json)
        let sources = try SourceCitations.read(json)
        let capsJSON = try json.child("powerCaps", expected: "an array of {fraction, gpuPowerLimitWatts}")
        var caps: [PowerCap] = []
        for entry in try capsJSON.elements() {
            try entry.requireKeys(within: ["fraction", "gpuPowerLimitWatts"])
            let cap = PowerCap(
                fraction: try entry.number("fraction", .above(0, atMost: 1)),
                gpuPowerLimitWatts: try entry.number("gpuPowerLimitWatts", .above(0, atMost: 10_000))
            )
            guard !caps.contains(where: { abs($0.fraction - cap.fraction) < 1e-9 }) else {
                throw try entry.child("fraction", expected: "").invalid(expected: "a fraction not already listed")
            }
            guard sources["powerCaps"] != nil || sources["powerCaps.\(cap.label)"] != nil else {
                throw ClusterModelError.missingSource(path: json.file, jsonPath: "powerCaps.\(cap.label)")
            }
            caps.append(cap)
        }
        guard caps.contains(where: { $0.fraction == 1 }) else {
            throw capsJSON.invalid(expected: "a list that includes the uncapped entry {\"fraction\": 1.0, ...}")
        }
        self.init(
            id: try json.child("id", expected: "an id").identifier(MachineID.self),
            name: try json.string("name"),
            gpu: try json.child("gpu", expected: "a GPU id").identifier(GPUID.self),
            gpuCount: try json.integer("gpuCount", .atLeast(1, atMost: 1024)),
            infinibandGbpsPerGPU: try json.number("infinibandGbpsPerGPU", .above(0, atMost: 1e5)),
            kvTransferSetupSeconds: try json.number("kvTransferSetupSeconds", .atLeast(0, atMost: 10)),
            pricePerHourUSD: try json.number("pricePerHourUSD", .pricePerHourUSD),
            powerKW: try json.number("powerKW", .machinePowerKW),
            powerCaps: caps.sorted { $0.fraction > $1.fraction },
            calibration: try MachineCalibration(json: json.child("calibration", expected: "the calibration block")),
            sources: sources
        )
        try SourceCitations.requireCitations(json, sources: sources, exempt: ["schemaVersion"])
    }
}
