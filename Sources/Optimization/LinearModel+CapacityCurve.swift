extension LinearModel {
    /// In the names of the variables and rows that tie a count to a point of a capacity curve.
    public static let curveRowMarker = "size-point"

    /// A pool whose count is an integer variable, its capacity curve, and the most machines it may hold.
    public struct SizedPool: Sendable {
        public var machines: VariableID
        public var curve: CapacityCurve
        public var largest: Double

        public init(machines: VariableID, curve: CapacityCurve, largest: Double) {
            self.machines = machines
            self.curve = curve
            self.largest = largest
        }
    }

    /// At most one of `pools` holds machines, and each holds its curve's capacity exactly at every point
    /// (in pool order, as linear expressions); `none` is 1 exactly when no pool holds any.
    ///
    /// The choice is one of: no machines, or a point of one pool's curve. One weight λᵢ per choice,
    /// Σ λᵢ = 1, and exactly one of them 1: ⌈log₂ choices⌉ binaries zᵦ, each allowing only the choices whose
    /// index has bit b equal to zᵦ (the logarithmic encoding of a choice of one, Vielma and Nemhauser 2011,
    /// so the binaries grow with the log of the choices). Above the chosen point, up to the next one,
    /// each machine eᵢ adds the point's capacity per machine:
    ///     n = Σ jᵢ λᵢ + Σ eᵢ,   eᵢ ≤ (jᵢ₊₁ − jᵢ − 1) λᵢ,   capacity = Σ Cᵢ λᵢ + Σ (Cᵢ / jᵢ) eᵢ   (over the pool's points).
    /// The last point's eᵢ is bounded by the pool's `largest`: a tight bound keeps the solver's integrality
    /// tolerance from leaking capacity through it.
    public mutating func capacities(ofOneOf pools: [SizedPool], name: String) -> (capacities: [LinearExpression], none: VariableID) {
        let marker = Self.curveRowMarker
        var weights = [addVariable("\(name)-\(marker)-none", lower: 0, upper: 1)]
        var capacities: [LinearExpression] = []
        for (p, pool) in pools.enumerated() {
            let points = pool.curve.points.filter { $0.machines > 0 && Double($0.machines) <= pool.largest }
            var capacity = LinearExpression(), chosen = LinearExpression()
            for (i, point) in points.enumerated() {
                let label = "\(name)-\(marker)[\(p),\(point.machines)]"
                let weight = addVariable(label, lower: 0, upper: 1)
                weights.append(weight)
                capacity = capacity + point.capacity * weight
                chosen = chosen + Double(point.machines) * weight
                let room = (i + 1 < points.count ? Double(points[i + 1].machines - 1) : pool.largest) - Double(point.machines)
                guard room > 0 else { continue }
                let above = addVariable("\(label)-above", lower: 0, upper: room)
                addConstraint("\(label)-above-only-if-chosen", LinearExpression(above) + (-room) * weight, upper: 0)
                capacity = capacity + (point.capacity / Double(point.machines)) * above
                chosen = chosen + LinearExpression(above)
            }
            addConstraint("\(name)-\(marker)-count[\(p)]", LinearExpression(pool.machines) + (-1) * chosen, lower: 0, upper: 0)
            capacities.append(capacity)
        }
        addConstraint("\(name)-\(marker)-weights", weights.map { LinearExpression($0) }.sum(), lower: 1, upper: 1)
        var bit = 0
        while (1 << bit) < weights.count {
            let z = addVariable("\(name)-\(marker)-bit[\(bit)]", kind: .binary)
            let set = weights.indices.filter { $0 & (1 << bit) != 0 }.map { LinearExpression(weights[$0]) }.sum()
            let clear = weights.indices.filter { $0 & (1 << bit) == 0 }.map { LinearExpression(weights[$0]) }.sum()
            addConstraint("\(name)-\(marker)-bit-set[\(bit)]", set + (-1) * z, upper: 0)
            addConstraint("\(name)-\(marker)-bit-clear[\(bit)]", clear + LinearExpression(z), upper: 1)
            bit += 1
        }
        return (capacities, weights[0])
    }
}
