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

    /// Renders by format: `text` and `markdown` (or the tables), the first table for CSV, the encodable
    /// value for JSON, a page for HTML (by default the tables under `title`).
    func write<T: Encodable>(text custom: String? = nil, markdown customMarkdown: String? = nil, tables: [ReportTable], json: T,
                             title: String = "SplitPlan report", html: (() -> String)? = nil) throws {
        let text: String
        switch format {
        case .text: text = custom ?? tables.map { $0.text() }.joined(separator: "\n")
        case .markdown: text = customMarkdown ?? tables.map { $0.markdown() }.joined(separator: "\n")
        case .csv: text = tables.first?.csv() ?? ""
        case .json: text = try JSONOutput.encode(json)
        case .html: text = html?() ?? HTML.document(title: title, subtitle: "", body: tables.map { $0.html() })
        }
        try OutputFile.write(text, to: output, force: force)
    }
}
