import ArgumentParser
import ClusterModel
import Foundation
import Throughput

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files (and the catalogue they use); exit 65 if any is invalid.",
        discussion: """
            Each FILE is a scenario (.json) or a directory: a catalogue directory (with gpus/) is checked
            as a catalogue, any other directory for every *.json scenario in it.
            Examples:
              splitplan validate Scenarios/quickstart.json
              splitplan validate Scenarios/ Catalog/
            """
    )

    @Argument(help: "Scenario files or directories.")
    var files: [String]

    @OptionGroup var timings: NoTimingsFlag
    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one scenario file or directory") }
    }

    func run() throws {
        var failures = 0
        for target in try ValidationTargets.expand(files) {
            do {
                Terminal.writeOutput("ok    \(target.path)  \(try check(target))")
            } catch let error as ClusterModelError {
                failures += 1
                Terminal.writeOutput("FAIL  \(error.description)")
            } catch let error as ThroughputError {
                failures += 1
                Terminal.writeOutput("FAIL  \(target.path): \(error.description)")
            }
        }
        if failures > 0 {
            Terminal.writeError("\(failures) invalid file(s)")
            throw ExitCode(ExitStatus.badInput)
        }
    }

    private func check(_ target: ValidationTargets.Target) throws -> String {
        switch target {
        case .catalog(let url):
            let catalog = try Catalog.load(directory: url)
            return "catalogue: \(catalog.gpus.count) GPUs, \(catalog.machines.count) machines, \(catalog.models.count) models"
        case .scenario(let url):
            let scenario = try Scenario.load(url)
            let catalog = try scenario.applyingCatalogOverrides(to: catalogOptions.load(scenario: scenario))
            try scenario.checkReferences(in: catalog)
            try scenario.checkDeployable(in: catalog)
            let traces = try scenario.loadTraces()
            let requests = traces.values.map(\.requests.count).reduce(0, +)
            let traceNote = traces.isEmpty ? "" : ", \(traces.count) trace(s) with \(requests) requests"
            return "scenario \(scenario.name): \(scenario.model), \(scenario.designs.map(\.rawValue).joined(separator: ","))\(traceNote)"
        }
    }
}

enum ValidationTargets {
    enum Target {
        case scenario(URL)
        case catalog(URL)

        var path: String {
            switch self {
            case .scenario(let url), .catalog(let url): return url.path
            }
        }
    }

    static func expand(_ paths: [String]) throws -> [Target] {
        try paths.flatMap { path -> [Target] in
            let url = InputFile.url(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw ClusterModelError.fileNotFound(path: url.path, role: "scenario file or directory")
            }
            guard isDirectory.boolValue else { return [.scenario(url)] }
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("gpus").path) { return [.catalog(url)] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { $0.hasSuffix(".json") }.sorted().map { .scenario(url.appendingPathComponent($0)) }
        }
    }
}
