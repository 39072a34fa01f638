import CGLPK
import Foundation
import Optimization

/// GLPK 5 behind `MILPSolver`: the only code that imports the C layer. Models are validated in Swift
/// first; GLPK's own errors come back as `OptimizationError.backendFailure`, never as an abort.
public struct GLPKSolver: MILPSolver {
    public let name = "GLPK"

    public init() {}

    public func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
        try model.validate()
        guard options.timeLimitSeconds > 0, options.relativeGap >= 0 else {
            throw OptimizationError.invalidModel("time limit must be > 0 and gap >= 0")
        }
        // The run's deadline has passed: no solve starts (GLPK would take at least its 1 ms minimum).
        guard options.solveTimeLimitSeconds > 0 else { return SolveResult(status: .timeLimit, seconds: 0) }
        return try run(model, options: options, lpPath: nil, solve: true)
    }

    /// Writes the model in CPLEX LP format, for inspection or another solver.
    public func writeLP(_ model: LinearModel, to path: String) throws {
        try model.validate()
        let outcome = try run(model, options: SolveOptions(), lpPath: path, solve: false)
        guard outcome.status == .optimal else { throw OptimizationError.cannotWriteModel(path: path, reason: "GLPK could not write it") }
    }

    /// The raw entry point, without Swift-side validation: for tests that prove GLPK errors are contained.
    public func solveUnchecked(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
        try run(model, options: options, lpPath: nil, solve: true)
    }

    /// GLPK's terminal text, reduced to its diagnosis: `glp_set_sjj: j = 2; sjj = 0; invalid scale factor`
    /// becomes "invalid scale factor", with no internal names or scaling dump.
    static func plainReason(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let check = lines.last(where: { $0.hasPrefix("glp_") }) else {
            return "GLPK stopped on an internal check; the program's coefficients may span too wide a range"
        }
        let detail = check.split(separator: ";").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let reason = detail.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return "GLPK stopped on an internal check (\(reason.isEmpty ? "no reason given" : String(reason.prefix(80)))); "
            + "the program's coefficients may span too wide a range: look for figures near zero (prices, powers, rates)"
    }

    private func run(_ model: LinearModel, options: SolveOptions, lpPath: String?, solve: Bool) throws -> SolveResult {
        let arrays = GLPKArrays(model)
        var values = [Double](repeating: 0, count: max(model.variables.count, 1))
        var activities = [Double](repeating: 0, count: max(model.constraints.count, 1))
        var result = cglpk_result()
        let status: Int32 = arrays.withProblem(options: options, lpPath: lpPath, solve: solve) { problem in
            values.withUnsafeMutableBufferPointer { valueBuffer in
                activities.withUnsafeMutableBufferPointer { activityBuffer in
                    result.col_values = valueBuffer.baseAddress
                    result.row_values = activityBuffer.baseAddress
                    return cglpk_solve(problem, &result)
                }
            }
        }
        let message = withUnsafeBytes(of: result.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let mapped: SolveStatus
        switch UInt32(status) {
        case CGLPK_OPTIMAL.rawValue: mapped = .optimal
        case CGLPK_FEASIBLE.rawValue: mapped = .feasible
        case CGLPK_INFEASIBLE.rawValue: mapped = .infeasible
        case CGLPK_UNBOUNDED.rawValue: mapped = .unbounded
        case CGLPK_TIME_LIMIT.rawValue: mapped = .timeLimit
        default: throw OptimizationError.backendFailure(Self.plainReason(message))
        }
        guard mapped.hasSolution, solve else { return SolveResult(status: mapped, seconds: result.seconds) }
        return SolveResult(status: mapped, objectiveValue: result.objective, bestBound: result.best_bound.isNaN ? nil : result.best_bound,
                           seconds: result.seconds, values: Array(values.prefix(model.variables.count)),
                           constraintValues: Array(activities.prefix(model.constraints.count)))
    }

    /// Makes GLPK fail on purpose (an out-of-range row) and returns its message: the process survives.
    public static func provokeError() -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let caught = cglpk_provoke_error(&buffer, Int32(buffer.count))
        return caught == 1 ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
}

/// The model as the flat, 0-based arrays the C layer takes (it converts to GLPK's 1-based ones).
struct GLPKArrays {
    var objective: [Double] = [], colLower: [Double] = [], colUpper: [Double] = [], colKind: [Int32] = []
    var rowLower: [Double] = [], rowUpper: [Double] = []
    var entryRow: [Int32] = [], entryCol: [Int32] = [], entryValue: [Double] = []
    var colNames: [String] = [], rowNames: [String] = []
    let maximize: Bool
    let constant: Double

    init(_ model: LinearModel) {
        maximize = model.sense == .maximize
        constant = model.objective.constant
        objective = [Double](repeating: 0, count: model.variables.count)
        for (variable, coefficient) in model.objective.terms where variable.index < objective.count { objective[variable.index] = coefficient }
        for variable in model.variables {
            colLower.append(variable.lower)
            colUpper.append(variable.upper)
            colKind.append(variable.kind == .continuous ? 0 : variable.kind == .integer ? 1 : 2)
            colNames.append(LPName.sanitize(variable.name))
        }
        for (row, constraint) in model.constraints.enumerated() {
            rowLower.append(constraint.lower)
            rowUpper.append(constraint.upper)
            rowNames.append(LPName.sanitize(constraint.name))
            for (variable, coefficient) in constraint.expression.sortedTerms where coefficient != 0 {
                entryRow.append(Int32(row))
                entryCol.append(Int32(variable.index))
                entryValue.append(coefficient)
            }
        }
    }

    func withProblem<T>(options: SolveOptions, lpPath: String?, solve: Bool, _ body: (UnsafePointer<cglpk_problem>) -> T) -> T {
        // Copies that outlive the C call: array-to-pointer conversions would only last one argument.
        let pinned = (Pinned(objective), Pinned(colLower), Pinned(colUpper), Pinned(colKind), Pinned(rowLower), Pinned(rowUpper),
                      Pinned(entryRow), Pinned(entryCol), Pinned(entryValue))
        return withCStrings(colNames) { colNamePointers in
            withCStrings(rowNames) { rowNamePointers in
                (lpPath ?? "").withCString { path in
                    var problem = cglpk_problem(
                        rows: Int32(rowLower.count), cols: Int32(colLower.count), maximize: maximize ? 1 : 0,
                        objective_constant: constant, objective: pinned.0.pointer, col_lower: pinned.1.pointer,
                        col_upper: pinned.2.pointer, col_kind: pinned.3.pointer, col_names: colNamePointers,
                        row_lower: pinned.4.pointer, row_upper: pinned.5.pointer, row_names: rowNamePointers,
                        nonzeros: Int32(entryValue.count), entry_row: pinned.6.pointer, entry_col: pinned.7.pointer,
                        entry_value: pinned.8.pointer, time_limit_seconds: options.solveTimeLimitSeconds, mip_gap: options.relativeGap,
                        lp_path: lpPath == nil ? nil : path, solve: solve ? 1 : 0)
                    return withExtendedLifetime(pinned) { withUnsafePointer(to: &problem, body) }
                }
            }
        }
    }
}

/// A heap copy of an array whose address stays valid until the copy is released.
private final class Pinned<Element> {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(_ elements: [Element]) {
        buffer = UnsafeMutableBufferPointer.allocate(capacity: max(elements.count, 1))
        _ = buffer.initialize(from: elements)
    }

    var pointer: UnsafePointer<Element>? { UnsafePointer(buffer.baseAddress) }

    deinit { buffer.deallocate() }
}

/// C strings that live for the duration of `body`.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// CPLEX LP names: letters, digits and a few symbols, at most 255 characters, not starting with a digit or '.'.
enum LPName {
    /// Bytes CPLEX LP names may hold besides ASCII letters and digits.
    private static let punctuation = Set("_(){}!\"#$%&/,.;?@'`|~".utf8)

    /// An LP-safe name: ASCII letters, digits and the allowed punctuation kept, anything else `_`, at
    /// most 250 characters, never starting with a digit or a dot. Works on bytes: it runs for every
    /// row and column of every solve.
    static func sanitize(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(name.utf8.count, 251))
        for scalar in name.unicodeScalars.prefix(250) {
            let value = scalar.value
            let keep = value < 128 && (isAlphanumeric(UInt8(value)) || punctuation.contains(UInt8(value)))
            bytes.append(keep ? UInt8(value) : UInt8(ascii: "_"))
        }
        if let first = bytes.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) || first == UInt8(ascii: ".") {
            bytes.insert(UInt8(ascii: "x"), at: 0)
        }
        return bytes.isEmpty ? "x" : String(decoding: bytes, as: UTF8.self)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
