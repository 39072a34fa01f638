import ClusterModel
import Foundation
@testable import Simulation
import Testing
import Throughput

@Suite struct StepTimesTests {
    /// A simulation's step times, decode steps read from parts kept per batch size, equal the model's own
    /// figures bit for bit: steps of random batch sizes in random order (so the kept parts grow in jumps),
    /// decode-only, prefill-only and mixed, for BLOOM-176B on DGX-H100, and Llama2-70B on DGX-A100 (its own
    /// calibration) and on DGX-H100 capped at 0.7 (slower compute).
    @Test(arguments: [("bloom-176b", "dgx-h100", 1.0), ("llama2-70b", "dgx-a100", 1.0), ("llama2-70b", "dgx-h100", 0.7)])
    func stepTimesAreTheModels(modelID: String, machineID: String, powerCapFraction: Double) throws {
        let catalog = try Catalog.load(directory: Repository.catalog)
        let deployment = try Deployment(model: try #require(catalog.models[ModelID(modelID)]),
                                        machine: try #require(catalog.machines[MachineID(machineID)]), catalog: catalog,
                                        powerCapFraction: powerCapFraction)
        let model = RooflineModel(deployment)
        let times = StepTimes(model)
        var random = SplitMix64(seed: 5)
        for _ in 0..<3000 {
            let sequences = random.nextIndex(4) == 0 ? 0 : 1 + random.nextIndex(512)
            let decode = DecodeBatch(sequences: sequences, totalContextTokens: sequences * (1 + random.nextIndex(8192)))
            let prefill = random.nextIndex(3) == 0 ? PrefillBatch(prompts: [1 + random.nextIndex(4096)]) : .empty
            guard decode.sequences > 0 || prefill.totalTokens > 0 else { continue }
            #expect(times.mixedStepSeconds(prefill: prefill, decode: decode) == model.mixedStepSeconds(prefill: prefill, decode: decode),
                    "\(decode), \(prefill.totalTokens) prompt tokens")
        }
    }
}
