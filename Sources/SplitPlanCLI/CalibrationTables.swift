import ClusterModel
import Reporting
import Throughput

enum CalibrationTables {
    static func errors(_ results: [CalibrationResult], fitted: Bool) -> ReportTable {
        var table = ReportTable(title: fitted ? "Fit error on the end-to-end profile (absolute percentage error of predicted vs measured)"
                                              : "Error of the catalogue's constants on the end-to-end profile",
                                headers: ["machine", "hardware", "TP", "phase", "configs", "scope", "median %", "p90 %", "max %", "worst"])
        for result in results {
            for row in result.errors {
                table.rows.append([result.machine, result.hardware, "\(row.tensorParallel)", row.phase.rawValue, "\(row.configurations)",
                                   row.scope, Format.fixed(row.medianAbsolutePercentError, 1), Format.fixed(row.p90AbsolutePercentError, 1),
                                   Format.fixed(row.maxAbsolutePercentError, 1), row.worst.joined(separator: "; ")])
            }
        }
        return table
    }

    /// GEMM errors per architecture, of the constants (`leaveOneOut` false) or of leave-one-architecture-out fits.
    static func operators(_ results: [CalibrationResult], leaveOneOut: Bool) -> ReportTable {
        var table = ReportTable(title: leaveOneOut ? "Leave-one-architecture-out error on GEMM times (fit on the others, predict this one)"
                                                   : "Error on the operator (GEMM) profiles",
                                headers: ["machine", "hardware", "architecture", "configs", "median %", "p90 %", "max %", "worst"])
        for result in results {
            for row in (leaveOneOut ? result.leaveOneArchitectureOut ?? [] : result.operatorErrors) {
                table.rows.append([result.machine, result.hardware, row.scope, "\(row.configurations)",
                                   Format.fixed(row.medianAbsolutePercentError, 1), Format.fixed(row.p90AbsolutePercentError, 1),
                                   Format.fixed(row.maxAbsolutePercentError, 1), row.worst.joined(separator: "; ")])
            }
        }
        return table
    }

    static func tables(_ results: [CalibrationResult], fitted: Bool) -> [ReportTable] {
        var tables: [ReportTable] = []
        if results.contains(where: { !$0.errors.isEmpty }) { tables.append(errors(results, fitted: fitted)) }
        if results.contains(where: { !$0.operatorErrors.isEmpty }) { tables.append(operators(results, leaveOneOut: false)) }
        if results.contains(where: { $0.leaveOneArchitectureOut != nil }) { tables.append(operators(results, leaveOneOut: true)) }
        return tables
    }

    static func render(_ results: [CalibrationResult], fitted: Bool) -> String {
        var text = tables(results, fitted: fitted).map { $0.text() }.joined(separator: "\n")
        guard fitted else { return text }
        for result in results {
            text += "\nCalibration for \(result.machine) (paste into its \"calibration\" block):\n"
            text += calibrationJSON(result.calibration)
        }
        return text
    }

    /// The block in the key order of catalogue files, with 4 significant digits.
    static func calibrationJSON(_ calibration: MachineCalibration) -> String {
        let values: [(String, Double)] = [
            ("computeEfficiency", calibration.computeEfficiency), ("gemmRampTokens", calibration.gemmRampTokens),
            ("memoryEfficiency", calibration.memoryEfficiency), ("gemmOverheadSeconds", calibration.gemmOverheadSeconds),
            ("decodeAttentionEfficiency", calibration.decodeAttentionEfficiency),
            ("allReduceEfficiency", calibration.allReduceEfficiency), ("allReduceLatencySeconds", calibration.allReduceLatencySeconds),
            ("largeMessageAllReduceSlowdown", calibration.largeMessageAllReduceSlowdown), ("largeMessageBytes", calibration.largeMessageBytes),
            ("layerOverheadSeconds", calibration.layerOverheadSeconds),
            ("prefillLayerOverheadSeconds", calibration.prefillLayerOverheadSeconds), ("stepOverheadSeconds", calibration.stepOverheadSeconds),
            ("sequenceOverheadSeconds", calibration.sequenceOverheadSeconds),
            ("prefillSequenceOverheadSeconds", calibration.prefillSequenceOverheadSeconds),
        ]
        // A what-if setting, not fitted: written only when it differs from the model as calibrated.
        let whatIf: [(String, Double)] = calibration.decodeBatchGrowth < 1 ? [("decodeBatchGrowth", calibration.decodeBatchGrowth)] : []
        let lines = (values + whatIf).map { key, value in
            "  \"\(key)\": \(NumberFormatting.compact(Double(String(format: "%.4g", value)) ?? value)),"
        } + ["  \"source\": \"\(calibration.source)\""]
        return "{\n" + lines.joined(separator: "\n") + "\n}\n"
    }
}
