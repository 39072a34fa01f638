import ClusterModel
import Reporting
import Throughput

enum CalibrationTables {
    static func errors(_ results: [CalibrationResult], fitted: Bool) -> ReportTable {
        var table = ReportTable(title: fitted ? "Fit error (absolute percentage error of predicted vs measured)"
                                              : "Error of the catalogue's constants",
                                headers: ["machine", "hardware", "TP", "phase", "configs", "median %", "p90 %", "max %"])
        for result in results {
            for row in result.errors {
                table.rows.append([result.machine, result.hardware, "\(row.tensorParallel)", row.phase.rawValue, "\(row.configurations)",
                              Format.fixed(row.medianAbsolutePercentError, 1), Format.fixed(row.p90AbsolutePercentError, 1),
                              Format.fixed(row.maxAbsolutePercentError, 1)])
            }
        }
        return table
    }

    static func render(_ results: [CalibrationResult], fitted: Bool) -> String {
        var text = errors(results, fitted: fitted).text()
        guard fitted else { return text }
        for result in results {
            text += "\nCalibration for \(result.machine) (paste into its \"calibration\" block):\n"
            text += calibrationJSON(result.calibration)
        }
        return text
    }

    /// The block in the key order of catalogue files, with 4 significant digits.
    static func calibrationJSON(_ calibration: MachineCalibration) -> String {
        let values: [(String, String)] = [
            ("computeEfficiency", calibration.computeEfficiency), ("memoryEfficiency", calibration.memoryEfficiency),
            ("allReduceEfficiency", calibration.allReduceEfficiency), ("allReduceLatencySeconds", calibration.allReduceLatencySeconds),
            ("largeMessageAllReduceSlowdown", calibration.largeMessageAllReduceSlowdown), ("largeMessageBytes", calibration.largeMessageBytes),
            ("layerOverheadSeconds", calibration.layerOverheadSeconds),
            ("prefillLayerOverheadSeconds", calibration.prefillLayerOverheadSeconds), ("stepOverheadSeconds", calibration.stepOverheadSeconds),
        ].map { key, value in
            // The knee is a fixed input, not a fitted figure: print it exactly.
            (key, key == "largeMessageBytes" ? NumberFormatting.compact(value) : NumberFormatting.compact(Double(String(format: "%.4g", value)) ?? value))
        }
        let lines = values.map { "  \"\($0.0)\": \($0.1)," } + ["  \"source\": \"\(calibration.source)\""]
        return "{\n" + lines.joined(separator: "\n") + "\n}\n"
    }
}
