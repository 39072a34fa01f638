import ClusterModel
import Foundation
import Reporting

/// What a report was computed from: the tool's version, the catalogue as used and the inputs read, each
/// by SHA-256. Machine-readable outputs carry it, so a figure in a budget review can be traced to the
/// exact catalogue and files behind it.
struct Provenance: Encodable, Sendable {
    struct Input: Encodable, Sendable, Equatable {
        var path: String
        var sha256: String

        init(path: String, sha256: String) {
            self.path = Provenance.displayPath(path)
            self.sha256 = sha256
        }

        /// A file read again for its digest, or every CSV file below a folder (a profile directory).
        /// Standard input cannot be read again: its digest is left empty.
        static func files(_ path: String) throws -> [Input] {
            let url = InputFile.url(path)
            guard url != InputFile.standardInput else { return [Input(path: "-", sha256: "")] }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
            let files = isDirectory.boolValue
                ? (FileManager.default.subpaths(atPath: url.path) ?? []).filter { $0.hasSuffix(".csv") }.sorted().map { url.appendingPathComponent($0) }
                : [url]
            return try files.map { file in
                var hasher = SHA256()
                try JSONDocument.readChunks(file, role: "input file", maximumBytes: 1 << 30) { hasher.update($0) }
                return Input(path: file.path, sha256: hasher.hexDigest())
            }
        }
    }

    var tool = "splitplan"
    var version = SplitPlanCommand.version
    var catalogSHA256: String
    var inputs: [Input]
    /// `--set` overrides of the command line, as written.
    var settings: [String]

    init(catalog: Catalog?, inputs: [Input], settings: [String] = []) {
        self.init(catalogDigests: catalog.map { [$0.digest] } ?? [], inputs: inputs, settings: settings)
    }

    init(catalogs: [Catalog], inputs: [Input], settings: [String] = []) {
        self.init(catalogDigests: catalogs.map(\.digest), inputs: inputs, settings: settings)
    }

    /// Several scenarios may use different catalogues (their own folders or overrides): one digest of
    /// their distinct digests, the single digest itself when they agree.
    init(catalogDigests: [String], inputs: [Input], settings: [String]) {
        let distinct = Array(Set(catalogDigests)).sorted()
        catalogSHA256 = distinct.count == 1 ? distinct[0] : SHA256.hex(Array(distinct.joined(separator: "\n").utf8))
        var seen = Set<String>()
        self.inputs = inputs.filter { seen.insert($0.path).inserted }
        self.settings = settings
    }

    /// Paths below the working folder relative to it, so that the same run in another checkout reads the same.
    static func displayPath(_ path: String) -> String {
        let folder = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(folder) ? String(path.dropFirst(folder.count)) : path
    }

    /// The CSV section and HTML footer: one row per fact.
    var table: ReportTable {
        ReportTable(title: "provenance", headers: ["item", "value"],
                    rows: [["tool", "\(tool) \(version)"], ["catalogue sha256", catalogSHA256]]
                        + inputs.map { ["input \($0.path)", "sha256 \($0.sha256)"] } + settings.map { ["--set", $0] })
    }

    var htmlFooter: String {
        let parts = ["\(tool) \(version)", "catalogue sha256 \(catalogSHA256.prefix(12))"]
            + inputs.map { "\($0.path) sha256 \($0.sha256.prefix(12))" } + settings.map { "--set \($0)" }
        return "<footer class=\"provenance\">" + parts.map(HTML.escape).joined(separator: " · ") + "</footer>\n"
    }
}

/// A JSON object report with its provenance beside its own keys.
struct WithProvenance<Report: Encodable>: Encodable {
    var report: Report
    var provenance: Provenance

    private enum Key: String, CodingKey { case provenance }

    func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(provenance, forKey: .provenance)
    }
}
