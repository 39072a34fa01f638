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
            The profile is a CSV in SplitwiseSim's perf_model.csv format (model, hardware, prompt_size,
            batch_size, token_size, prompt_time and token_time in ms, tensor_parallel). Each hardware id is
            matched to the catalogue machine built from that GPU (or --machine). The fitted constants are
            printed as JSON calibration blocks to paste into Catalog/machines/<id>.json.
            Examples:
              splitplan calibrate --profile Tests/Fixtures/llama2-70b-vllm-a100-h100.csv
              splitplan calibrate --profile my-h200.csv --machine dgx-h200 --output h200-calibration.json
              splitplan calibrate --profile Tests/Fixtures/llama2-70b-vllm-a100-h100.csv --evaluate
            """
    )

    @Option(help: ArgumentHelp("Measured profile CSV.", valueName: "CSV")) var profile: String
    @Option(help: "Machine id to calibrate (default: the catalogue machine of each profiled GPU).") var machine: String?
    @Flag(help: "Only report the error of the catalogue's current constants; fit nothing.") var evaluate = false

    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        let catalog = try catalogOptions.load()
        let url = URL(fileURLWithPath: profile)
        let samples = try Profile.load(url)
        let runs = try CalibrationRun.plan(samples: samples, catalog: catalog, machine: machine.map(MachineID.init), file: url.path)
        let results = try runs.map { run -> CalibrationResult in
            let source = "fitted by `splitplan calibrate` on \(url.lastPathComponent), \(run.samples.count) configurations of \(run.samples[0].hardware)"
            let evaluator = try ProfileEvaluator(samples: run.samples, machine: run.machine, catalog: catalog)
            let constants = evaluate ? run.machine.calibration
                : try Calibrator().fit(samples: run.samples, machine: run.machine, catalog: catalog, source: source)
            return CalibrationResult(machine: run.machine.id.rawValue, hardware: run.samples[0].hardware.rawValue,
                                     configurations: run.samples.count, calibration: constants,
                                     errors: evaluator.errorTable(constants).map(CalibrationResult.Row.init))
        }
        try output.write(text: CalibrationTables.render(results, fitted: !evaluate), tables: [CalibrationTables.errors(results, fitted: !evaluate)],
                         json: results, title: "SplitPlan calibration")
    }
}
