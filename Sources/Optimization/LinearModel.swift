/// A solver-neutral mixed-integer linear model: variables with bounds and kinds, linear constraints
/// with lower and upper bounds, and a linear objective. Backends translate it; they never extend it.
public struct LinearModel: Sendable {
    public struct Variable: Sendable, Equatable {
        public var name: String
        public var kind: VariableKind
        public var lower: Double
        public var upper: Double
    }

    public struct Constraint: Sendable, Equatable {
        public var name: String
        public var expression: LinearExpression
        public var lower: Double
        public var upper: Double
    }

    public enum Sense: Sendable { case minimize, maximize }

    public private(set) var variables: [Variable] = []
    public private(set) var constraints: [Constraint] = []
    public var objective = LinearExpression()
    public var sense = Sense.minimize

    public init() {}

    @discardableResult
    public mutating func addVariable(_ name: String, kind: VariableKind = .continuous,
                                     lower: Double = 0, upper: Double = .infinity) -> VariableID {
        variables.append(Variable(name: name, kind: kind, lower: kind == .binary ? max(lower, 0) : lower,
                                  upper: kind == .binary ? min(upper, 1) : upper))
        return VariableID(index: variables.count - 1)
    }

    /// `lower ≤ expression ≤ upper`; the expression's constant moves to the bounds.
    @discardableResult
    public mutating func addConstraint(_ name: String, _ expression: LinearExpression,
                                       lower: Double = -.infinity, upper: Double = .infinity) -> ConstraintID {
        var terms = expression
        let constant = terms.constant
        terms.constant = 0
        constraints.append(Constraint(name: name, expression: terms, lower: lower - constant, upper: upper - constant))
        return ConstraintID(index: constraints.count - 1)
    }

    public mutating func minimize(_ expression: LinearExpression) {
        objective = expression
        sense = .minimize
    }

    public mutating func maximize(_ expression: LinearExpression) {
        objective = expression
        sense = .maximize
    }

    public var hasIntegers: Bool { variables.contains { $0.kind != .continuous } }

    public func value(of expression: LinearExpression, at values: [Double]) -> Double {
        expression.terms.reduce(expression.constant) { $0 + $1.value * values[$1.key.index] }
    }
}

public enum VariableKind: Sendable, Equatable { case continuous, integer, binary }

public struct VariableID: Hashable, Sendable, Comparable {
    public let index: Int
    public static func < (lhs: VariableID, rhs: VariableID) -> Bool { lhs.index < rhs.index }

    public static func * (coefficient: Double, variable: VariableID) -> LinearExpression {
        LinearExpression(variable, coefficient)
    }
}

public struct ConstraintID: Hashable, Sendable {
    public let index: Int
}

/// Σ coefficient · variable + constant.
public struct LinearExpression: Sendable, Equatable {
    public var terms: [VariableID: Double] = [:]
    public var constant: Double = 0

    public init(constant: Double = 0) { self.constant = constant }

    public init(_ variable: VariableID, _ coefficient: Double = 1) { terms[variable] = coefficient }

    public mutating func add(_ variable: VariableID, _ coefficient: Double) {
        terms[variable, default: 0] += coefficient
    }

    public static func + (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
        var sum = lhs
        for (variable, coefficient) in rhs.terms { sum.add(variable, coefficient) }
        sum.constant += rhs.constant
        return sum
    }

    public static func * (coefficient: Double, expression: LinearExpression) -> LinearExpression {
        var scaled = LinearExpression(constant: coefficient * expression.constant)
        for (variable, value) in expression.terms { scaled.terms[variable] = coefficient * value }
        return scaled
    }

    /// Terms sorted by variable, so backends emit the same arrays for the same model.
    public var sortedTerms: [(variable: VariableID, coefficient: Double)] {
        terms.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

extension Sequence where Element == LinearExpression {
    public func sum() -> LinearExpression { reduce(LinearExpression(), +) }
}
