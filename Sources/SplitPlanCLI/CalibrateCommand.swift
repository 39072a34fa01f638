import ArgumentParser
import ClusterModel
import Foundation
import Reporting
import Throughput

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit machine calibration constants to measured profiles and print the fit's error.",
        discussion: """
            --profile is a CSV in SplitwiseSim's perf_model.csv format (model, hardware, prompt_size,
            batch_size, token_size, prompt_time and token_time in ms, tensor_parallel). --operator-profile
            is a CSV of Vidur's per-operator format (n_head, n_kv_head, n_embd, n_expanded_embd,
            use_gated_mlp, num_tokens, num_tensor_parallel_workers and time_stats.<gemm>.median in ms) or a
            directory of them; a folder on its path names the GPU (a100/, h100/, a40/). Each GPU is matched
            to the catalogue machine built from it (or --machine). With an end-to-end profile every constant
            is fitted, to it and the operator profiles together; with operator profiles only, the GEMM
            constants are fitted and the others kept. The fitted constants are printed as JSON calibration
            blocks to paste into Catalog/machines/<id>.json.
            Examples:
              splitplan calibrate --profile Tests/Fixtures/llama2-70b-vllm-a100-h100.csv --operator-profile Tests/Fixtures/vidur
              splitplan calibrate --operator-profile Tests/Fixtures/vidur/a40 --machine a40-8x
              splitplan calibrate --profile my-h200.csv --machine dgx-h200 --output h200-calibration.json
              splitplan calibrate --profile Tests/Fixtures/llama2-70b-vllm-a100-h100.csv --operator-profile Tests/Fixtures/vidur --evaluate --leave-one-out
            """
    )

    @Option(help: ArgumentHelp("Measured end-to-end profile CSV.", valueName: "CSV")) var profile: String?
    @Option(name: .customLong("operator-profile"),
            help: ArgumentHelp("Measured per-operator (GEMM) profile: a CSV or a directory of them (repeatable).", valueName: "DIR_OR_CSV"))
    var operatorProfiles: [String] = []
    @Option(help: "Machine id to calibrate (default: the catalogue machine of each profiled GPU).", completion: CompletionIDs.machines) var machine: String?
    @Flag(help: "Only report the error of the catalogue's current constants; fit nothing.") var evaluate = false
    @Flag(name: .customLong("leave-one-out"),
          help: "Also fit the GEMM constants on all architectures but one and report the error on the one left out, for each.")
    var leaveOneOut = false
    @Option(name: .customLong("write"), help: ArgumentHelp(
        "Also write the machine's catalogue file with the fitted constants here (one machine: add --machine when the profiles cover several); saved as machines/<id>.json in a folder, it is a --catalog overlay.",
        valueName: "FILE"))
    var writeMachine: String?

    @OptionGroup var timings: NoTimingsFlag
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        guard profile != nil || !operatorProfiles.isEmpty else {
            throw ValidationError("give --profile CSV, --operator-profile DIR_OR_CSV, or both")
        }
        guard !leaveOneOut || !operatorProfiles.isEmpty else {
            throw ValidationError("--leave-one-out needs --operator-profile DIR_OR_CSV")
        }
        guard writeMachine == nil || !evaluate else { throw ValidationError("--write needs fitted constants: drop --evaluate") }
    }

    func run() throws {
        let catalog = try catalogOptions.load()
        let url = profile.map(InputFile.url)
        let samples = try url.map(Profile.load) ?? []
        let operatorSamples = try operatorProfiles.flatMap { try OperatorProfile.load(path: $0, catalog: catalog) }
        let inputs = (profile.map { [$0] } ?? []) + operatorProfiles
        let runs = try CalibrationRun.plan(samples: samples, operatorSamples: operatorSamples, catalog: catalog,
                                           machine: machine.map(MachineID.init), file: inputs.joined(separator: ", "))
        let results = try runs.map { run -> CalibrationResult in
            let hardware = run.machine.gpu.rawValue
            let constants: MachineCalibration
            if evaluate {
                constants = run.machine.calibration
            } else if run.samples.isEmpty {
                constants = try Calibrator().fitGEMMs(
                    operatorSamples: run.operatorSamples, machine: run.machine, catalog: catalog,
                    source: "GEMM constants fitted by `splitplan calibrate` on \(operatorProfiles.joined(separator: ", ")), \(run.operatorSamples.count) GEMM configurations of \(hardware); the other constants kept from the catalogue's \(run.machine.id)")
            } else {
                let operatorPart = run.operatorSamples.isEmpty ? "" : " and \(operatorProfiles.joined(separator: ", ")) (\(run.operatorSamples.count) GEMM configurations)"
                constants = try Calibrator().fit(
                    samples: run.samples, operatorSamples: run.operatorSamples, machine: run.machine, catalog: catalog,
                    source: "fitted by `splitplan calibrate` on \(url?.lastPathComponent ?? "")\(operatorPart), \(run.samples.count) configurations of \(hardware)")
            }
            let errors = try ProfileEvaluator(samples: run.samples, machine: run.machine, catalog: catalog).errorTable(constants)
            let operators = try OperatorEvaluator(samples: run.operatorSamples, machine: run.machine, catalog: catalog)
            let loao = leaveOneOut && !run.operatorSamples.isEmpty
                ? try LeaveOneArchitectureOut().evaluate(samples: run.operatorSamples, machine: run.machine, catalog: catalog) : nil
            return CalibrationResult(machine: run.machine.id.rawValue, hardware: hardware, configurations: run.samples.count,
                                     operatorConfigurations: run.operatorSamples.count, calibration: constants,
                                     errors: errors.map(CalibrationResult.Row.init),
                                     operatorErrors: operators.errorsByArchitecture(constants), leaveOneArchitectureOut: loao)
        }
        if let writeMachine {
            guard results.count == 1, let result = results.first else {
                throw ValidationError("--write writes one machine, and the profiles cover \(results.count) (\(results.map(\.machine).joined(separator: ", "))): add --machine ID")
            }
            let machine = try catalog.machine(MachineID(result.machine), file: "command line", jsonPath: "--machine")
            try OutputFile.write(try MachineFileWriter.text(machine, calibration: result.calibration, catalog: catalog), to: writeMachine, force: output.force)
        }
        let provenance = Provenance(catalog: catalog, inputs: try inputs.flatMap(Provenance.Input.files))
        try output.write(text: CalibrationTables.render(results, fitted: !evaluate), tables: CalibrationTables.tables(results, fitted: !evaluate),
                         json: NamedList(name: "fits", items: results), provenance: provenance, title: "SplitPlan calibration")
    }
}
