extension LinearModel {
    /// In the names of the variables and rows that tie a count to a point of a capacity curve.
    public static let curveRowMarker = "size-point"

    /// The capacity of a pool of `count` machines (an integer variable) as a linear expression, exact at
    /// every point of `curve`.
    ///
    /// One weight λᵢ per point, Σ λᵢ = 1, and exactly one of them 1: ⌈log₂ points⌉ binaries zᵦ, each
    /// allowing only the points whose index has bit b equal to zᵦ (the logarithmic encoding of a choice of
    /// one, Vielma and Nemhauser 2011, so the binaries grow with the log of the points). Above the chosen
    /// point, up to the next one, each machine eᵢ adds the point's capacity per machine:
    ///     n = Σ jᵢ λᵢ + Σ eᵢ,   eᵢ ≤ (jᵢ₊₁ − jᵢ − 1) λᵢ,   capacity = Σ Cᵢ λᵢ + Σ (Cᵢ / jᵢ) eᵢ.
    /// `largest`: the most machines the pool may hold (bounds the last point's extension: a tight bound
    /// keeps the solver's integrality tolerance from leaking capacity through it).
    public mutating func capacity(of curve: CapacityCurve, machines count: VariableID, largest: Double, name: String) -> LinearExpression {
        let machines = LinearExpression(count)
        guard !curve.isLinear else { return curve.perMachineBeyond * machines }
        let points = curve.points.filter { Double($0.machines) <= largest }
        guard points.count > 1 else { return LinearExpression() }
        var weights: [VariableID] = [], capacity = LinearExpression(), chosen = LinearExpression()
        for (i, point) in points.enumerated() {
            let weight = addVariable("\(name)-\(Self.curveRowMarker)[\(point.machines)]", lower: 0, upper: 1)
            weights.append(weight)
            capacity = capacity + point.capacity * weight
            chosen = chosen + Double(point.machines) * weight
            let room = (i + 1 < points.count ? Double(points[i + 1].machines - 1) : largest) - Double(point.machines)
            guard room > 0, point.machines > 0 else { continue }
            let above = addVariable("\(name)-\(Self.curveRowMarker)-above[\(point.machines)]", lower: 0, upper: room)
            addConstraint("\(name)-\(Self.curveRowMarker)-above-only-if-chosen[\(point.machines)]",
                          LinearExpression(above) + (-room) * weight, upper: 0)
            capacity = capacity + (point.capacity / Double(point.machines)) * above
            chosen = chosen + LinearExpression(above)
        }
        addConstraint("\(name)-\(Self.curveRowMarker)-weights", weights.map { LinearExpression($0) }.sum(), lower: 1, upper: 1)
        addConstraint("\(name)-\(Self.curveRowMarker)-count", machines + (-1) * chosen, lower: 0, upper: 0)
        var bit = 0
        while (1 << bit) < points.count {
            let z = addVariable("\(name)-\(Self.curveRowMarker)-bit[\(bit)]", kind: .binary)
            let set = weights.indices.filter { $0 & (1 << bit) != 0 }.map { LinearExpression(weights[$0]) }.sum()
            let clear = weights.indices.filter { $0 & (1 << bit) == 0 }.map { LinearExpression(weights[$0]) }.sum()
            addConstraint("\(name)-\(Self.curveRowMarker)-bit-set[\(bit)]", set + (-1) * z, upper: 0)
            addConstraint("\(name)-\(Self.curveRowMarker)-bit-clear[\(bit)]", clear + LinearExpression(z), upper: 1)
            bit += 1
        }
        return capacity
    }
}
