import ClusterModel
import Foundation
import Testing
@testable import Throughput

@Suite struct OperatorProfileTests {
    let catalog: Catalog

    init() throws {
        catalog = try Catalog.load(directory: Repository.catalog)
    }

    /// The folder names the GPU; repeated rows of a configuration collapse to their median.
    @Test func loadsTheFixturesByGPU() throws {
        let samples = try OperatorProfile.load(path: Repository.vidur.path, catalog: catalog)
        #expect(Set(samples.map(\.hardware)) == ["a100-80gb", "h100-80gb", "a40-48gb"])
        // Llama-2-70B on A100 at TP 1, 4096 tokens: two rows, mlp_up_proj medians 15.9405 and 16.1345 ms.
        let llama = OperatorArchitecture(queryHeads: 64, kvHeads: 8, hiddenSize: 8192, ffnSize: 28672, gatedMLP: true)
        let up = samples.filter {
            $0.hardware == "a100-80gb" && $0.architecture == llama && $0.tensorParallel == 1 && $0.tokens == 4096 && $0.op == .mlpUpProj
        }
        #expect(up.count == 2) // Llama-2-70B and Llama-3-70B: one shape, two files
        #expect(up.contains { abs($0.seconds - 0.0160375) < 1e-12 })
        #expect(llama.shape(.attnPreProj) == GEMMShape(inputs: 8192, outputs: 10240))
        #expect(llama.shape(.mlpUpProj) == GEMMShape(inputs: 8192, outputs: 57344))
    }

    static let header = "n_head,n_kv_head,n_embd,n_expanded_embd,use_gated_mlp,num_tokens,num_tensor_parallel_workers,"
        + "time_stats.attn_pre_proj.median,time_stats.attn_post_proj.median,time_stats.mlp_up_proj.median,time_stats.mlp_down_proj.median"

    @Test(arguments: [
        ("n_head,n_kv_head\n64,8\n", 1, "header"),
        (header + "\n64,8,8192,28672,True,16,8,0.02,0.02,0.08\n", 2, "row"),
        (header + "\n64,8,8192,28672,True,16,8,0.02,0.02,0.08,0.04\n64,8,8192,28672,yes,16,8,0.02,0.02,0.08,0.04\n", 3, "use_gated_mlp"),
        (header + "\n64,8,8192,28672,True,0,8,0.02,0.02,0.08,0.04\n", 2, "num_tokens"),
        (header + "\n64,8,8192,28672,True,16,8,0.02,-1,0.08,0.04\n", 2, "time_stats.attn_post_proj.median"),
        (header + "\n64,8,8192,28672,True,16,8,0.02,0.02,,0.04\n", 2, "time_stats.mlp_up_proj.median"),
    ])
    func malformedOperatorProfiles(text: String, line: Int, column: String) {
        #expect { try OperatorProfile.parse(text, file: "mlp.csv", hardware: "a100-80gb") } throws: { error in
            guard case .malformedProfile(let file, let badLine, let badColumn, _, let allowed) = error as? ThroughputError else { return false }
            return file == "mlp.csv" && badLine == line && badColumn == column && !allowed.isEmpty
        }
    }

    @Test func emptyAndUnplacedFilesAreClearErrors() throws {
        #expect(throws: ThroughputError.emptyProfile(path: "mlp.csv", detail: "the header has no rows after it")) {
            try OperatorProfile.parse(Self.header + "\n", file: "mlp.csv", hardware: "a100-80gb")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("splitplan-operators-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("mlp.csv")
        try Data((Self.header + "\n64,8,8192,28672,True,16,8,0.02,0.02,0.08,0.04\n").utf8).write(to: file)
        #expect { try OperatorProfile.load(path: file.path, catalog: catalog) } throws: { error in
            guard case .operatorProfileWithoutGPUFolder(let path, let known) = error as? ThroughputError else { return false }
            return path == file.path && known.contains("a100-80gb")
        }
    }

    /// Fit the GEMM constants on all architectures but one, predict the one left out: the pooled median
    /// error stays within 10 % on every GPU. Fewer starts than `calibrate` uses, to keep debug tests quick.
    @Test(arguments: [("dgx-a100", "a100"), ("dgx-h100", "h100"), ("a40-8x", "a40")])
    func leaveOneArchitectureOutMeetsTheFloor(machine: String, folder: String) throws {
        let spec = try #require(catalog.machines[MachineID(machine)])
        let samples = try OperatorProfile.load(path: Repository.vidur.appendingPathComponent(folder).path, catalog: catalog)
        var calibrator = Calibrator()
        calibrator.starts = 1
        calibrator.iterationsPerStart = 800
        let rows = try LeaveOneArchitectureOut(calibrator: calibrator).evaluate(samples: samples, machine: spec, catalog: catalog)
        let pooled = try #require(rows.last)
        #expect(rows.count == Set(samples.map(\.architecture)).count + 1)
        #expect(pooled.medianAbsolutePercentError <= 10, "\(machine): \(pooled.medianAbsolutePercentError) %, worst \(pooled.worst)")
    }

    /// The shipped GEMM constants of every machine with operator profiles predict them within 10 % median.
    @Test(arguments: [("dgx-a100", "a100"), ("dgx-h100", "h100"), ("a40-8x", "a40")])
    func shippedGEMMConstantsFitTheOperatorProfiles(machine: String, folder: String) throws {
        let spec = try #require(catalog.machines[MachineID(machine)])
        let samples = try OperatorProfile.load(path: Repository.vidur.appendingPathComponent(folder).path, catalog: catalog)
        let error = try OperatorEvaluator(samples: samples, machine: spec, catalog: catalog).error(spec.calibration, scope: "all")
        #expect(error.medianAbsolutePercentError <= 10, "\(machine): \(error.medianAbsolutePercentError) %")
    }
}
