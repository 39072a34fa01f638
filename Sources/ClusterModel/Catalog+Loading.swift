import Foundation

extension Catalog {
    /// Loads `gpus/*.json`, `machines/*.json` and `models/*.json` below `directory`, in file-name order.
    /// Every file is validated in full and cross-references are checked. Over a `base` catalogue the
    /// folder is an overlay: any of the three subfolders may be missing, and an entry replaces the base's
    /// entry of the same id or adds one.
    public static func load(directory: URL, over base: Catalog? = nil) throws -> Catalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ClusterModelError.fileNotFound(path: directory.path, role: "catalogue directory")
        }
        var origins: [String: String] = [:], digests: [String: String] = [:]
        func loadAll<T>(_ kind: String, _ make: (JSONCursor) throws -> T, id: (T) -> String) throws -> [T] {
            var items: [T] = []
            let folder = directory.appendingPathComponent(kind)
            if base != nil, !FileManager.default.fileExists(atPath: folder.path) { return [] }
            for file in try jsonFiles(in: folder) {
                let (json, sha256) = try JSONDocument.loadDigested(file)
                let item = try make(json)
                let key = "\(kind.dropLast()):\(id(item))"
                if let other = origins[key] {
                    throw ClusterModelError.duplicateID(path: file.path, id: id(item), otherPath: other)
                }
                let stem = file.deletingPathExtension().lastPathComponent
                guard stem == id(item) else {
                    throw ClusterModelError.invalidValue(
                        path: file.path, jsonPath: "id", value: "\"\(id(item))\"", allowed: "the file name without .json (\"\(stem)\")")
                }
                origins[key] = file.path
                digests[key] = sha256
                items.append(item)
            }
            guard !items.isEmpty || base != nil else {
                throw ClusterModelError.emptyCatalog(path: directory.appendingPathComponent(kind).path, kind: kind)
            }
            return items
        }
        let gpus = try loadAll("gpus", GPUSpec.init(json:), id: { $0.id.rawValue })
        let machines = try loadAll("machines", MachineSpec.init(json:), id: { $0.id.rawValue })
        let models = try loadAll("models", ModelSpec.init(json:), id: { $0.id.rawValue })
        func merged<T>(_ under: [T], _ over: [T], id: (T) -> String) -> [T] {
            let replaced = Set(over.map(id))
            return under.filter { !replaced.contains(id($0)) } + over
        }
        var catalog = base.map { base in
            Catalog(gpus: merged(base.sortedGPUs, gpus) { $0.id.rawValue }, machines: merged(base.sortedMachines, machines) { $0.id.rawValue },
                    models: merged(base.sortedModels, models) { $0.id.rawValue }, origins: base.origins.merging(origins) { $1 })
        } ?? Catalog(gpus: gpus, machines: machines, models: models, origins: origins)
        catalog.entryDigests = (base?.entryDigests ?? [:]).merging(digests) { $1 }
        for machine in catalog.sortedMachines {
            let file = origins["machine:\(machine.id)"] ?? directory.path
            let gpu = try catalog.gpu(machine.gpu, file: file, jsonPath: "gpu")
            for cap in machine.powerCaps where cap.gpuPowerLimitWatts > gpu.tdpWatts {
                throw ClusterModelError.invalidValue(
                    path: file, jsonPath: "powerCaps.\(cap.label).gpuPowerLimitWatts",
                    value: NumberFormatting.compact(cap.gpuPowerLimitWatts),
                    allowed: "at most the GPU's tdpWatts (\(NumberFormatting.compact(gpu.tdpWatts)))")
            }
        }
        return catalog
    }

    private static func jsonFiles(in directory: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw ClusterModelError.emptyCatalog(path: directory.path, kind: directory.lastPathComponent)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ClusterModelError.unreadableFile(path: directory.path, reason: error.localizedDescription)
        }
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
    }
}

/// Reading a JSON file into a cursor, with file errors that name the file.
public enum JSONDocument {
    /// Inputs larger than this are refused rather than read: no scenario or catalogue entry comes close.
    public static let maximumBytes = 16 * 1_048_576

    public static func load(_ url: URL, role: String = "JSON file") throws -> JSONCursor {
        try loadDigested(url, role: role).json
    }

    /// The document and the SHA-256 of its bytes, from one read (standard input cannot be read twice).
    public static func loadDigested(_ url: URL, role: String = "JSON file") throws -> (json: JSONCursor, sha256: String) {
        let data = try readFile(url, role: role, maximumBytes: maximumBytes)
        return (JSONCursor(file: url.path, value: try JSONValue.parse(data, path: url.path)), SHA256.hex(data))
    }

    public static func readFile(_ url: URL, role: String, maximumBytes: Int) throws -> Data {
        var data = Data()
        try readChunks(url, role: role, maximumBytes: maximumBytes) { data.append($0) }
        return data
    }

    /// Hands the file to `body` in chunks of 1 MiB, refusing it once it passes `maximumBytes`.
    public static func readChunks(_ url: URL, role: String, maximumBytes: Int, _ body: (Data) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ClusterModelError.fileNotFound(path: url.path, role: role)
        }
        guard !isDirectory.boolValue else {
            throw ClusterModelError.unreadableFile(path: url.path, reason: "it is a directory; expected a \(role)")
        }
        // Read through a handle, not by size: a FIFO or device has none, and a growing file may pass it.
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            let reason = access(url.path, R_OK) == 0 ? "it could not be opened" : "permission denied"
            throw ClusterModelError.unreadableFile(path: url.path, reason: reason)
        }
        defer { try? handle.close() }
        var total = 0
        while true {
            let chunk: Data
            do {
                guard let read = try handle.read(upToCount: 1 << 20), !read.isEmpty else { return }
                chunk = read
            } catch {
                throw ClusterModelError.unreadableFile(path: url.path, reason: "reading it failed (error \((error as NSError).code))")
            }
            total += chunk.count
            guard total <= maximumBytes else {
                throw ClusterModelError.unreadableFile(path: url.path, reason: "it is larger than the \(maximumBytes)-byte limit for a \(role)")
            }
            try body(chunk)
        }
    }
}
