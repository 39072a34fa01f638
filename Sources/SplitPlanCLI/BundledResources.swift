import Foundation

/// Finds the catalogue and scenarios that ship with SplitPlan, wherever the binary runs from:
/// `$SPLITPLAN_CATALOG`, `<prefix>/share/splitplan` beside an installed binary, or the source tree
/// that holds the build folder.
enum BundledResources {
    static func catalogDirectory() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["SPLITPLAN_CATALOG"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return try locate("Catalog", marker: "gpus", what: "catalogue",
                          hint: "pass --catalog DIR or set SPLITPLAN_CATALOG")
    }

    static func defaultScenario() throws -> URL {
        try locate("Scenarios", marker: "quickstart.json", what: "bundled scenarios",
                   hint: "pass a scenario file").appendingPathComponent("quickstart.json")
    }

    /// The bundled example day, the default of `schedule`.
    static func exampleDayScenario() throws -> URL {
        try locate("Scenarios", marker: "day-conversation-llama2-70b.json", what: "bundled scenarios",
                   hint: "pass a scenario file with a demand curve").appendingPathComponent("day-conversation-llama2-70b.json")
    }

    private static func locate(_ name: String, marker: String, what: String, hint: String) throws -> URL {
        var looked: [String] = []
        for root in roots() {
            for candidate in [root.appendingPathComponent("share/splitplan/\(name)"), root.appendingPathComponent(name)] {
                looked.append(candidate.path)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
                    return candidate
                }
            }
        }
        throw CLIError.resourceNotFound(what: what, looked: Array(looked.prefix(4)), hint: hint)
    }

    /// The executable's folder and its ancestors (`.build/release/splitplan` sits two below the source tree).
    private static func roots() -> [URL] {
        let executable = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".")).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent().standardizedFileURL
        var result: [URL] = []
        for _ in 0..<6 {
            result.append(directory)
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return result
    }
}
