/// One GPU type, with the datasheet figures the throughput and power models need.
public struct GPUSpec: Sendable, Equatable {
    public var id: GPUID
    public var name: String
    public var denseFP16TFLOPS: Double
    public var denseFP8TFLOPS: Double?
    public var memoryGiB: Double
    public var memoryBandwidthGBps: Double
    /// GPU-to-GPU bandwidth per GPU (NVLink, or PCIe where there is none), decimal GB/s.
    public var interconnectGBps: Double
    public var tdpWatts: Double
    public var idleWatts: Double
    /// Per-GPU draw while running prefill, and while running decode.
    public var promptWatts: Double
    public var tokenWatts: Double
    public var sources: [String: String]

    public init(
        id: GPUID, name: String, denseFP16TFLOPS: Double, denseFP8TFLOPS: Double? = nil, memoryGiB: Double,
        memoryBandwidthGBps: Double, interconnectGBps: Double, tdpWatts: Double, idleWatts: Double,
        promptWatts: Double, tokenWatts: Double, sources: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.denseFP16TFLOPS = denseFP16TFLOPS
        self.denseFP8TFLOPS = denseFP8TFLOPS
        self.memoryGiB = memoryGiB
        self.memoryBandwidthGBps = memoryBandwidthGBps
        self.interconnectGBps = interconnectGBps
        self.tdpWatts = tdpWatts
        self.idleWatts = idleWatts
        self.promptWatts = promptWatts
        self.tokenWatts = tokenWatts
        self.sources = sources
    }

    public var peakFLOPSPerSecond: Double { denseFP16TFLOPS * 1e12 }
    public var memoryBytes: Double { memoryGiB * 1_073_741_824 }
    public var memoryBandwidthBytesPerSecond: Double { memoryBandwidthGBps * 1e9 }
    public var interconnectBytesPerSecond: Double { interconnectGBps * 1e9 }
}

extension GPUSpec {
    static let keys = [
        "schemaVersion", "id", "name", "denseFP16TFLOPS", "denseFP8TFLOPS", "memoryGiB", "memoryBandwidthGBps",
        "interconnectGBps", "tdpWatts", "idleWatts", "promptWatts", "tokenWatts", "sources",
    ]

    init(json: JSONCursor) throws {
        try json.requireKeys(within: Self.keys)
        try SchemaVersion.check(json)
        let watts = NumberRule.above(0, atMost: 10_000)
        self.init(
            id: try json.child("id", expected: "an id").identifier(GPUID.self),
            name: try json.string("name"),
            denseFP16TFLOPS: try json.number("denseFP16TFLOPS", .above(0, atMost: 1e6)),
            denseFP8TFLOPS: try json.optionalNumber("denseFP8TFLOPS", .above(0, atMost: 1e6)),
            memoryGiB: try json.number("memoryGiB", .above(0, atMost: 1e5)),
            memoryBandwidthGBps: try json.number("memoryBandwidthGBps", .above(0, atMost: 1e6)),
            interconnectGBps: try json.number("interconnectGBps", .above(0, atMost: 1e6)),
            tdpWatts: try json.number("tdpWatts", watts),
            idleWatts: try json.number("idleWatts", watts),
            promptWatts: try json.number("promptWatts", watts),
            tokenWatts: try json.number("tokenWatts", watts),
            sources: try SourceCitations.read(json)
        )
        for key in ["idleWatts", "promptWatts", "tokenWatts"] {
            let watts = try json.number(key, .positive)
            guard watts <= tdpWatts else {
                throw try json.child(key, expected: "").invalid(expected: "at most tdpWatts (\(NumberFormatting.compact(tdpWatts)))")
            }
        }
        try SourceCitations.requireCitations(json, sources: sources, exempt: ["schemaVersion"])
    }
}
