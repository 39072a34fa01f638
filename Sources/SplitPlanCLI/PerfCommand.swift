import ArgumentParser
import ClusterModel
import Foundation
import Reporting
import Throughput

struct PerfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "Predict prefill and decode performance of a model on a machine.",
        discussion: """
            With --prompt-tokens and --batch, one operating point; without, tables over typical sizes.
            Throughputs are per machine (all its tensor-parallel instances); times are per instance.
            Examples:
              splitplan perf --model llama2-70b --machine dgx-h100
              splitplan perf --model llama2-70b --machine dgx-h100 --power-cap-fraction 0.7 --prompt-tokens 1500 --batch 1 --format json
              splitplan perf --model llama3-8b --machine dgx-a100 --tp 2 --batch 64 --context 2048
            """
    )

    @Option(help: "Model id.", completion: CompletionIDs.models) var model: String
    @Option(help: "Machine id.", completion: CompletionIDs.machines) var machine: String
    @Option(help: "Tensor-parallel degree (default: every GPU of the machine).") var tp: Int?
    @Option(name: .customLong("power-cap-fraction"), help: ArgumentHelp("Power cap as a fraction of the machine's power (one its powerCaps allow), as the @CAP of a --pool; --power-cap elsewhere is a fleet budget in kW.", valueName: "FRACTION"))
    var powerCap: Double = 1
    @Option(name: .customLong("prompt-tokens"), help: "Prompt tokens per request.") var promptTokens: Int?
    @Option(help: "Batch size: prompts prefilled together, and sequences per decode step.") var batch: Int?
    @Option(help: "Context tokens per sequence for the decode step (default: prompt tokens, else 1024).") var context: Int?

    @OptionGroup var timings: NoTimingsFlag
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        for (name, value) in [("--prompt-tokens", promptTokens), ("--batch", batch), ("--context", context), ("--tp", tp)] {
            if let value, !(1...1_000_000).contains(value) { throw ValidationError("\(name) must be from 1 to 1000000, not \(value)") }
        }
        guard powerCap > 0, powerCap <= 1 else { throw ValidationError("--power-cap-fraction must be in (0, 1], not \(powerCap)") }
    }

    func run() throws {
        let catalog = try catalogOptions.load()
        let modelSpec = try catalog.model(ModelID(model), file: "command line", jsonPath: "--model")
        let machineSpec = try catalog.machine(MachineID(machine), file: "command line", jsonPath: "--machine")
        let deployment = try Deployment(model: modelSpec, machine: machineSpec, catalog: catalog, tensorParallel: tp, powerCapFraction: powerCap)
        let performance = RooflineModel(deployment)
        if promptTokens != nil || batch != nil {
            let prompt = promptTokens ?? 1024, size = batch ?? 1
            let summary = PerformanceSummary(model: performance, promptTokens: prompt, batch: size, contextTokens: context ?? prompt)
            try output.write(text: PerfTables.point(summary), tables: [PerfTables.pointTable(summary)], json: summary,
                             provenance: Provenance(catalog: catalog, inputs: []), title: "SplitPlan perf")
        } else {
            let sweep = PerfSweep(performance, contextTokens: context ?? 1024)
            try output.write(text: PerfTables.sweep(sweep), tables: PerfTables.sweepTables(sweep), json: sweep,
                             provenance: Provenance(catalog: catalog, inputs: []),
                             title: "SplitPlan perf: \(sweep.summary.model) on \(sweep.summary.machine)")
        }
    }
}
