import Reporting
import Throughput

enum PerfTables {
    static func header(_ summary: PerformanceSummary) -> String {
        """
        \(summary.model) on \(summary.machine): tensor parallel \(summary.tensorParallel), \(summary.instancesPerMachine) instance(s) per machine, power cap \(summary.powerCap)
        KV cache: \(Format.integer(Int(summary.kvBytesPerToken))) bytes/token, \(Format.integer(summary.kvCapacityTokens)) tokens per instance
        Power per machine (kW): prompt \(Format.fixed(summary.powerKW.prompt, 2)), token \(Format.fixed(summary.powerKW.token, 2)), idle \(Format.fixed(summary.powerKW.idle, 2)), provisioned \(Format.fixed(summary.powerKW.provisioned, 2))

        """
    }

    static func point(_ summary: PerformanceSummary) -> String { header(summary) + pointTable(summary).text() }

    static func pointTable(_ summary: PerformanceSummary) -> ReportTable {
        var table = ReportTable(headers: ["figure", "value"])
        table.rows.append(["prompt tokens x batch", "\(summary.promptTokens) x \(summary.batch)"])
        table.rows.append(["prefill (ms)", Format.milliseconds(summary.prefillSeconds)])
        table.rows.append(["prefill tokens/s per machine", Format.integer(Int(summary.prefillTokensPerSecond.rounded()))])
        table.rows.append(["decode step at context \(summary.contextTokens) (ms)", Format.milliseconds(summary.decodeStepSeconds)])
        table.rows.append(["decode tokens/s per machine", Format.integer(Int(summary.decodeTokensPerSecond.rounded()))])
        table.rows.append(["max batch at context \(summary.contextTokens)", Format.integer(summary.maxBatch)])
        table.rows.append(["KV transfer, total / visible (ms)",
                      "\(Format.milliseconds(summary.kvTransferSeconds)) / \(Format.milliseconds(summary.kvTransferVisibleSeconds))"])
        return table
    }

    static func sweep(_ sweep: PerfSweep) -> String {
        header(sweep.summary) + sweepTables(sweep).map { $0.text() }.joined(separator: "\n")
    }

    static func sweepTables(_ sweep: PerfSweep) -> [ReportTable] {
        var prefill = ReportTable(title: "Prefill (batch 1)", headers: ["prompt tokens", "time (ms)", "tokens/s per machine"])
        for row in sweep.prefill {
            prefill.rows.append(["\(row.promptTokens)", Format.milliseconds(row.prefillSeconds), Format.integer(Int(row.prefillTokensPerSecond.rounded()))])
        }
        let context = sweep.summary.contextTokens
        var decode = ReportTable(title: "Decode step (context \(context) tokens; max batch \(sweep.summary.maxBatch))",
                                 headers: ["batch", "step (ms)", "tokens/s per machine", "fits in KV memory"])
        for row in sweep.decode {
            decode.rows.append(["\(row.batch)", Format.milliseconds(row.decodeStepSeconds),
                           Format.integer(Int(row.decodeTokensPerSecond.rounded())), row.fitsInMemory ? "yes" : "no"])
        }
        return [prefill, decode]
    }
}
