import ClusterModel

extension Scenario {
    /// The machines a scenario may use: its `machines` list, or the whole catalogue.
    public func candidateMachines(in catalog: Catalog) throws -> [MachineSpec] {
        guard let machines else { return catalog.sortedMachines }
        return try machines.enumerated().map { index, id in
            try catalog.machine(id, file: file.path, jsonPath: "machines[\(index)]")
        }
    }

    /// Fails unless the model fits at least one candidate machine at the scenario's tensor-parallel degree.
    public func checkDeployable(in catalog: Catalog) throws {
        let model = try catalog.model(self.model, file: file.path, jsonPath: "model")
        var reasons: [String] = []
        var onlyParallelism = true
        for machine in try candidateMachines(in: catalog) {
            do {
                _ = try Deployment(model: model, machine: machine, catalog: catalog, tensorParallel: tensorParallel)
                return
            } catch let error as ThroughputError {
                reasons.append(error.description)
                switch error {
                case .invalidTensorParallel, .headsNotDivisible: break
                default: onlyParallelism = false
                }
            }
        }
        if let tensorParallel, onlyParallelism {
            throw ClusterModelError.invalidValue(
                path: file.path, jsonPath: "tensorParallel", value: "\(tensorParallel)",
                allowed: "a degree at least one candidate machine supports; " + reasons.joined(separator: "; "))
        }
        throw ClusterModelError.invalidValue(
            path: file.path, jsonPath: "model", value: "\"\(model.id)\"",
            allowed: "a model that fits at least one candidate machine; " + reasons.joined(separator: "; "))
    }
}
