import ClusterModel

extension ProvisioningPlanner {
    /// Plans for several questions on one scenario, one after another (the steps of a sweep: other budgets
    /// or rates), each as `plan(_:)` answers it. Service and mixed-pool profiles and prompt caps depend on
    /// the machines, the request sizes and the pool sizes, not on budgets or rates, so consecutive
    /// questions whose workload classes have the same sizes share them instead of rebuilding them; at the
    /// same rate (other budgets) they share the whole context, classes and SLO targets too.
    /// `starting` is told each step's index before it is planned (for progress).
    public func plan(series requests: [PlanRequest], starting: (Int) -> Void = { _ in }) throws -> [[ProvisioningPlan]] {
        var previous: (rate: Double?, context: PlanningContext)?
        return try requests.enumerated().map { index, request in
            starting(index)
            if let previous, previous.rate == request.ratePerSecond {
                return try plan(request, context: previous.context)
            }
            var context = try self.context(request)
            if let previous, previous.context.classes.map(\.sizesOnly) == context.classes.map(\.sizesOnly) {
                context.cache = previous.context.cache
                context.designCaches = previous.context.designCaches
            }
            previous = (request.ratePerSecond, context)
            return try plan(request, context: context)
        }
    }
}

extension WorkloadClass {
    /// The class without its arrival rate: what profiles are built from.
    var sizesOnly: WorkloadClass {
        var sizes = self
        sizes.ratePerSecond = 0
        return sizes
    }
}
