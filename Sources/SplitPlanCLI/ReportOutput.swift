import ArgumentParser
import Foundation
import Reporting

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, json, csv, html
}

/// `--format text|markdown|json|csv|html`, `--output FILE`, `--force`, for tabular reports.
struct ReportOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, markdown, json, csv or html.") var format: ReportFormat = .text
    @Option(name: .long, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE")) var output: String?
    @Flag(name: .long, help: "Replace --output FILE if it exists.") var force = false

    /// Renders by format: tables for text/markdown/csv, the encodable value for JSON, a page for HTML.
    func write<T: Encodable>(tables: [ReportTable], json: T, html: () -> String) throws {
        let text: String
        switch format {
        case .text: text = tables.map { $0.text() }.joined(separator: "\n")
        case .markdown: text = tables.map { $0.markdown() }.joined(separator: "\n")
        case .csv: text = tables.first?.csv() ?? ""
        case .json: text = try JSONOutput.encode(json)
        case .html: text = html()
        }
        try OutputFile.write(text, to: output, force: force)
    }
}
