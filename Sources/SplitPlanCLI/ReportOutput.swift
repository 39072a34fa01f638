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

    /// Renders by format: `text` and `markdown` (or the tables); every table, then the provenance, for
    /// CSV; the encodable object with a `provenance` key for JSON; a page for HTML (by default the tables
    /// under `title`) with the provenance in its footer.
    func write<T: Encodable>(text custom: String? = nil, markdown customMarkdown: String? = nil, tables: [ReportTable], json: T,
                             provenance: Provenance, title: String = "SplitPlan report", html: (() -> String)? = nil) throws {
        let text: String
        switch format {
        case .text: text = custom ?? tables.map { $0.text() }.joined(separator: "\n")
        case .markdown: text = customMarkdown ?? tables.map { $0.markdown() }.joined(separator: "\n")
        case .csv: text = ReportTable.csv(tables + [provenance.table])
        case .json: text = try JSONOutput.encode(WithProvenance(report: json, provenance: provenance))
        case .html:
            let page = html?() ?? HTML.document(title: title, subtitle: "", body: tables.map { $0.html() })
            text = page.replacingOccurrences(of: HTML.footerMarker, with: provenance.htmlFooter)
        }
        try OutputFile.write(text, to: output, force: force)
    }
}

/// A list report as a JSON object, so that it can carry its provenance: `{"<name>": [...], "provenance": ...}`.
struct NamedList<Element: Encodable>: Encodable {
    var name: String
    var items: [Element]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(stringValue: name))
    }
}
