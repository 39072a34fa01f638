/// A transformer's architecture: enough shape to count its FLOPs, bytes and KV cache.
public struct ModelSpec: Sendable, Equatable {
    public var id: ModelID
    public var name: String
    public var layers: Int
    public var hiddenSize: Int
    public var queryHeads: Int
    /// Key/value heads: fewer than query heads under grouped-query attention (Llama2-70B: 8 vs 64).
    public var kvHeads: Int
    public var headDim: Int
    public var ffnSize: Int
    /// Weight matrices in one MLP block: 3 for gated (SwiGLU) MLPs, 2 for GELU MLPs.
    public var ffnMatrices: Int
    public var vocabSize: Int
    public var tiedEmbeddings: Bool
    public var parameterCountBillions: Double
    public var bytesPerWeight: Double
    public var bytesPerKVElement: Double
    public var maxContextTokens: Int
    public var sources: [String: String]

    public init(
        id: ModelID, name: String, layers: Int, hiddenSize: Int, queryHeads: Int, kvHeads: Int, headDim: Int,
        ffnSize: Int, ffnMatrices: Int, vocabSize: Int, tiedEmbeddings: Bool, parameterCountBillions: Double,
        bytesPerWeight: Double, bytesPerKVElement: Double, maxContextTokens: Int, sources: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.layers = layers
        self.hiddenSize = hiddenSize
        self.queryHeads = queryHeads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.ffnSize = ffnSize
        self.ffnMatrices = ffnMatrices
        self.vocabSize = vocabSize
        self.tiedEmbeddings = tiedEmbeddings
        self.parameterCountBillions = parameterCountBillions
        self.bytesPerWeight = bytesPerWeight
        self.bytesPerKVElement = bytesPerKVElement
        self.maxContextTokens = maxContextTokens
        self.sources = sources
    }
}

extension ModelSpec {
    /// Weights of one transformer layer: Q and O projections, K and V projections (GQA-sized), the MLP.
    public var parametersPerLayer: Double {
        let hidden = Double(hiddenSize), head = Double(headDim)
        let attention = 2 * hidden * Double(queryHeads) * head + 2 * hidden * Double(kvHeads) * head
        return attention + Double(ffnMatrices) * hidden * Double(ffnSize)
    }

    /// Input embedding plus output head (one matrix when tied).
    public var embeddingParameters: Double {
        Double(vocabSize) * Double(hiddenSize) * (tiedEmbeddings ? 1 : 2)
    }

    /// The parameter count implied by the shape; the catalogue's stated count must agree with it.
    public var derivedParameterCount: Double {
        Double(layers) * parametersPerLayer + embeddingParameters
    }

    public var weightBytes: Double { parameterCountBillions * 1e9 * bytesPerWeight }

    /// K and V for every layer: 2 · layers · kvHeads · headDim · bytesPerKVElement.
    public var kvBytesPerToken: Double {
        2 * Double(layers) * Double(kvHeads) * Double(headDim) * bytesPerKVElement
    }
}

extension ModelSpec {
    static let keys = [
        "schemaVersion", "id", "name", "layers", "hiddenSize", "queryHeads", "kvHeads", "headDim", "ffnSize",
        "ffnMatrices", "vocabSize", "tiedEmbeddings", "parameterCountBillions", "bytesPerWeight",
        "bytesPerKVElement", "maxContextTokens", "sources",
    ]

    /// How far the stated parameter count may stray from the one derived from the shape.
    static let parameterCountTolerance = 0.02

    init(json: JSONCursor) throws {
        try json.requireKeys(within: Self.keys)
        try SchemaVersion.check(json)
        let dimension = NumberRule.atLeast(1, atMost: 1_000_000)
        let bytes = NumberRule.atLeast(0.125, atMost: 8)
        self.init(
            id: try json.child("id", expected: "an id").identifier(ModelID.self),
            name: try json.string("name"),
            layers: try json.integer("layers", .atLeast(1, atMost: 10_000)),
            hiddenSize: try json.integer("hiddenSize", dimension),
            queryHeads: try json.integer("queryHeads", .atLeast(1, atMost: 10_000)),
            kvHeads: try json.integer("kvHeads", .atLeast(1, atMost: 10_000)),
            headDim: try json.integer("headDim", .atLeast(1, atMost: 100_000)),
            ffnSize: try json.integer("ffnSize", dimension),
            ffnMatrices: try json.integer("ffnMatrices", .atLeast(2, atMost: 3)),
            vocabSize: try json.integer("vocabSize", .atLeast(1, atMost: 100_000_000)),
            tiedEmbeddings: try json.child("tiedEmbeddings", expected: "true or false").bool(),
            parameterCountBillions: try json.number("parameterCountBillions", .above(0, atMost: 1e6)),
            bytesPerWeight: try json.number("bytesPerWeight", bytes),
            bytesPerKVElement: try json.number("bytesPerKVElement", bytes),
            maxContextTokens: try json.integer("maxContextTokens", .tokenCount),
            sources: try SourceCitations.read(json)
        )
        guard queryHeads % kvHeads == 0 else {
            throw try json.child("kvHeads", expected: "").invalid(expected: "a divisor of queryHeads (\(queryHeads))")
        }
        let derived = derivedParameterCount / 1e9
        guard abs(parameterCountBillions - derived) <= Self.parameterCountTolerance * derived else {
            let allowed = String(format: "within 2%% of %.2f, the count its shape implies; check layers, hiddenSize, heads, ffnSize and vocabSize", derived)
            throw try json.child("parameterCountBillions", expected: "").invalid(expected: allowed)
        }
        try SourceCitations.requireCitations(json, sources: sources, exempt: ["schemaVersion"])
    }
}
