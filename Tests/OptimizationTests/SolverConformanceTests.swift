import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Testing

/// Small provisioning-shaped programs: machine counts n_i ∈ [0, limit_i] of a few types, capacity
/// rows Σ capacity_ji · n_i ≥ demand_j, a budget row Σ price_i · n_i ≤ cap; minimise cost or maximise capacity.
func randomProgram(seed: UInt64) -> LinearModel {
    var random = SplitMix64(seed: seed)
    var model = LinearModel()
    let types = 2 + random.nextIndex(3)
    let counts = (0..<types).map { model.addVariable("n\($0)", kind: .integer, lower: 0, upper: Double(4 + random.nextIndex(7))) }
    let prices = counts.map { _ in Double(5 + random.nextIndex(40)) }
    for row in 0..<(1 + random.nextIndex(3)) {
        let capacity = counts.map { (Double(1 + random.nextIndex(9)), $0) }.map { $0.0 * $0.1 }.sum()
        model.addConstraint("demand\(row)", capacity, lower: Double(5 + random.nextIndex(60)))
    }
    let spend = zip(prices, counts).map { $0.0 * $0.1 }.sum()
    if random.nextUnit() < 0.5 {
        model.addConstraint("budget", spend, upper: Double(50 + random.nextIndex(400)))
        model.maximize(zip(counts, prices).map { Double(1 + Int($0.1) % 7) * $0.0 }.sum())
    } else {
        model.minimize(spend)
    }
    return model
}

@Suite struct SolverConformanceTests {
    static let backends: [any MILPSolver] = [GLPKSolver(), EnumerationSolver()]

    @Test(arguments: backends.indices)
    func knownOptimum(backend: Int) throws {
        // min 3x + 2y  s.t.  x + y ≥ 4,  x − y ≤ 1,  x, y ∈ {0..5}: optimum (0, 4) at 8.
        var model = LinearModel()
        let x = model.addVariable("x", kind: .integer, upper: 5), y = model.addVariable("y", kind: .integer, upper: 5)
        model.addConstraint("cover", LinearExpression(x) + LinearExpression(y), lower: 4)
        model.addConstraint("balance", LinearExpression(x) + (-1) * y, upper: 1)
        model.minimize(3 * x + 2 * y)
        let result = try Self.backends[backend].solve(model, options: SolveOptions())
        #expect(result.status == .optimal && result.objectiveValue == 8 && result.values == [0, 4])
    }

    @Test(arguments: backends.indices)
    func infeasibleIsAnOutcome(backend: Int) throws {
        var model = LinearModel()
        let x = model.addVariable("x", kind: .integer, upper: 3)
        model.addConstraint("impossible", LinearExpression(x), lower: 5)
        model.minimize(LinearExpression(x))
        #expect(try Self.backends[backend].solve(model, options: SolveOptions()).status == .infeasible)
    }

    /// GLPK's optimum equals exhaustive enumeration's on 1,000 random instances.
    @Test func glpkAgreesWithEnumeration() throws {
        var compared = 0, infeasible = 0
        for seed in 1...1_000 as ClosedRange<UInt64> {
            let model = randomProgram(seed: seed)
            let exact = try EnumerationSolver().solve(model, options: SolveOptions())
            let glpk = try GLPKSolver().solve(model, options: SolveOptions(relativeGap: 0))
            #expect(glpk.status == exact.status, "seed \(seed)")
            if exact.status == .optimal, let expected = exact.objectiveValue, let found = glpk.objectiveValue {
                #expect(abs(found - expected) <= 1e-6 * max(1, abs(expected)), "seed \(seed): GLPK \(found), enumeration \(expected)")
                compared += 1
            } else {
                infeasible += 1
            }
        }
        #expect(compared >= 500 && compared + infeasible == 1_000)
    }

    @Test func inconsistentModelsAreRejectedBeforeGLPK() {
        var bounds = LinearModel()
        bounds.addVariable("x", kind: .integer, lower: 3, upper: 1)
        #expect(throws: OptimizationError.self) { try GLPKSolver().solve(bounds, options: SolveOptions()) }
        var coefficient = LinearModel()
        let x = coefficient.addVariable("x")
        coefficient.addConstraint("bad", Double.nan * x, upper: 1)
        #expect(throws: OptimizationError.self) { try GLPKSolver().solve(coefficient, options: SolveOptions()) }
        var noInteger = LinearModel()
        noInteger.addVariable("x", kind: .integer, lower: 0.2, upper: 0.8)
        #expect(throws: OptimizationError.self) { try GLPKSolver().solve(noInteger, options: SolveOptions()) }
    }

    /// GLPK's own error (a row index out of range) is caught in C; the process lives on and GLPK still works.
    @Test func glpkErrorsDoNotAbortTheProcess() throws {
        let message = try #require(GLPKSolver.provokeError())
        #expect(message.contains("row") || message.contains("out of range"), "\(message)")
        var model = LinearModel()
        let x = model.addVariable("x", kind: .integer, upper: 2)
        model.maximize(LinearExpression(x))
        #expect(try GLPKSolver().solve(model, options: SolveOptions()).objectiveValue == 2)
    }

    /// Jeroslow's problem: 2·Σxᵢ + y = n (n odd) has no solution with y = 0, but branch and bound must
    /// explore an exponential tree to prove it. The time limit must stop the search.
    @Test func timeLimitIsHonoured() throws {
        var model = LinearModel()
        let n = 41
        let xs = (0..<n).map { model.addVariable("x\($0)", kind: .binary) }
        let y = model.addVariable("y", kind: .binary)
        model.addConstraint("parity", xs.map { 2 * $0 }.sum() + LinearExpression(y), lower: Double(n), upper: Double(n))
        model.minimize(LinearExpression(y))
        let start = Date()
        let result = try GLPKSolver().solve(model, options: SolveOptions(timeLimitSeconds: 0.5))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(result.status == .feasible || result.status == .timeLimit || result.status == .optimal)
        if result.status == .optimal { #expect(result.objectiveValue == 1) }
    }
}
