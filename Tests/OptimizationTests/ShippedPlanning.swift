import ClusterModel
import GLPKBackend
@testable import Optimization

/// A shipped scenario ready to plan: its request, a GLPK planner over the shipped catalogue, and the
/// request's planning context (workload classes, SLO targets).
struct ShippedPlanning {
    var scenario: Scenario
    var request: PlanRequest
    var planner: ProvisioningPlanner
    var context: ProvisioningPlanner.PlanningContext

    init(_ name: String, objective: Objective = .maxThroughput, ratePerSecond: Double? = nil) throws {
        scenario = try Scenario.load(Repository.url("Scenarios/\(name).json"))
        request = PlanRequest(scenario: scenario, traces: try scenario.loadTraces(), objective: objective, ratePerSecond: ratePerSecond)
        planner = ProvisioningPlanner(catalog: try Catalog.load(directory: Repository.url("Catalog")), solver: GLPKSolver())
        context = try planner.context(request)
    }
}
