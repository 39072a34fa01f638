import ClusterModel
import Foundation

/// The four GEMMs of a transformer layer as Vidur's per-operator profiles name them.
public enum GEMMOperator: String, Sendable, Codable, CaseIterable {
    case attnPreProj = "attn_pre_proj", attnPostProj = "attn_post_proj", mlpUpProj = "mlp_up_proj", mlpDownProj = "mlp_down_proj"
}

/// A layer's shape as the operator profiles describe it; equal shapes are one architecture for the
/// fit and for leave-one-architecture-out (Llama-2-70B and Llama-3-70B have the same GEMMs).
public struct OperatorArchitecture: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var queryHeads: Int
    public var kvHeads: Int
    public var hiddenSize: Int
    public var ffnSize: Int
    public var gatedMLP: Bool

    /// The GEMM each operator runs (fused QKV; gate and up fused into 2·ffn outputs when gated).
    public func shape(_ op: GEMMOperator) -> GEMMShape {
        let headDim = hiddenSize / max(queryHeads, 1)
        switch op {
        case .attnPreProj: return GEMMShape(inputs: hiddenSize, outputs: (queryHeads + 2 * kvHeads) * headDim)
        case .attnPostProj: return GEMMShape(inputs: queryHeads * headDim, outputs: hiddenSize)
        case .mlpUpProj: return GEMMShape(inputs: hiddenSize, outputs: (gatedMLP ? 2 : 1) * ffnSize)
        case .mlpDownProj: return GEMMShape(inputs: ffnSize, outputs: hiddenSize)
        }
    }

    public var description: String {
        "h\(hiddenSize) q\(queryHeads)/kv\(kvHeads) ffn\(ffnSize)\(gatedMLP ? " gated" : "")"
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.hiddenSize, a.queryHeads, a.kvHeads, a.ffnSize) < (b.hiddenSize, b.queryHeads, b.kvHeads, b.ffnSize)
    }
}

/// One measured GEMM: the median over the profile's rows of one (architecture, TP, tokens, operator).
public struct OperatorSample: Sendable, Equatable {
    public var hardware: GPUID
    public var architecture: OperatorArchitecture
    public var tensorParallel: Int
    public var tokens: Int
    public var op: GEMMOperator
    public var seconds: Double

    /// "h8192 q64/kv8 ffn28672 gated TP8 512 tokens mlp_up_proj", to name a configuration in reports.
    public var label: String { "\(architecture) TP\(tensorParallel) \(tokens) tokens \(op.rawValue)" }
}

/// Vidur's per-operator profiles (`data/profiling/compute/<gpu>/<org>/<model>/mlp.csv`; times in ms).
/// The file holds no GPU column: the GPU is named by a folder on the path (`a100/`, `h100/`, ...).
public enum OperatorProfile {
    static let shapeColumns = ["n_head", "n_kv_head", "n_embd", "n_expanded_embd", "use_gated_mlp", "num_tokens", "num_tensor_parallel_workers"]
    static func timeColumn(_ op: GEMMOperator) -> String { "time_stats.\(op.rawValue).median" }

    /// A CSV file, or every `.csv` below a directory (sorted by path, so the result is deterministic).
    public static func load(path: String, catalog: Catalog) throws -> [OperatorSample] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ThroughputError.emptyProfile(path: path, detail: "no such file or directory")
        }
        let files: [String]
        if isDirectory.boolValue {
            let names = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            files = names.filter { $0.hasSuffix(".csv") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            guard !files.isEmpty else { throw ThroughputError.emptyProfile(path: path, detail: "the directory holds no .csv file") }
        } else {
            files = [path]
        }
        return try files.flatMap { file in
            let hardware = try self.hardware(of: file, catalog: catalog)
            let data = try JSONDocument.readFile(URL(fileURLWithPath: file), role: "operator profile CSV", maximumBytes: 256 * 1_048_576)
            guard let text = String(data: data, encoding: .utf8) else {
                throw ThroughputError.emptyProfile(path: file, detail: "not UTF-8 text")
            }
            return try parse(text, file: file, hardware: hardware)
        }
    }

    /// The deepest folder of `file` that names a catalogue GPU: its id, or the id's first part (`a100` for `a100-80gb`).
    static func hardware(of file: String, catalog: Catalog) throws -> GPUID {
        let ids = catalog.sortedGPUs.map(\.id)
        for component in URL(fileURLWithPath: file).deletingLastPathComponent().pathComponents.reversed() {
            let name = component.lowercased()
            if let id = ids.first(where: { $0.rawValue == name || $0.rawValue.hasPrefix(name + "-") }) { return id }
        }
        throw ThroughputError.operatorProfileWithoutGPUFolder(path: file, known: ids.map(\.rawValue))
    }

    /// Parses the rows and takes, for each configuration and operator, the median over its rows.
    public static func parse(_ text: String, file: String, hardware: GPUID) throws -> [OperatorSample] {
        let profile = try ProfileCSV(text, file: file, columns: shapeColumns + GEMMOperator.allCases.map(timeColumn))
        struct Key: Hashable { let architecture: OperatorArchitecture, tp: Int, tokens: Int }
        var times: [Key: [GEMMOperator: [Double]]] = [:]
        var order: [Key] = []
        for row in try profile.rows() {
            guard let gated = ["True": true, "False": false][row.field("use_gated_mlp")] else {
                throw ThroughputError.malformedProfile(path: file, line: row.line, column: "use_gated_mlp",
                                                       value: "\"\(row.field("use_gated_mlp"))\"", allowed: "True or False")
            }
            let architecture = OperatorArchitecture(
                queryHeads: try row.integer("n_head", 1...65536), kvHeads: try row.integer("n_kv_head", 1...65536),
                hiddenSize: try row.integer("n_embd", 1...1_048_576), ffnSize: try row.integer("n_expanded_embd", 1...4_194_304), gatedMLP: gated)
            let key = Key(architecture: architecture, tp: try row.integer("num_tensor_parallel_workers", 1...1024),
                          tokens: try row.integer("num_tokens", 1...10_000_000))
            if times[key] == nil { order.append(key) }
            for op in GEMMOperator.allCases {
                times[key, default: [:]][op, default: []].append(try row.seconds(fromMilliseconds: timeColumn(op)))
            }
        }
        guard !order.isEmpty else { throw ThroughputError.emptyProfile(path: file, detail: "the header has no rows after it") }
        return order.flatMap { key in
            GEMMOperator.allCases.map { op in
                OperatorSample(hardware: hardware, architecture: key.architecture, tensorParallel: key.tp, tokens: key.tokens,
                               op: op, seconds: Statistics.median(times[key]?[op] ?? []))
            }
        }
    }
}
