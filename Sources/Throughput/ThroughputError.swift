/// What can go wrong when predicting performance or calibrating the model.
public enum ThroughputError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidTensorParallel(machine: String, gpuCount: Int, requested: Int)
    case headsNotDivisible(model: String, queryHeads: Int, tensorParallel: Int)
    case powerCapNotAllowed(machine: String, requested: Double, allowed: [Double])
    case modelDoesNotFit(model: String, machine: String, tensorParallel: Int, weightGiB: Double, usableGiB: Double)
    case malformedProfile(path: String, line: Int, column: String, value: String, allowed: String)
    case emptyProfile(path: String, detail: String)
    case unknownProfileHardware(path: String, hardware: String, known: [String])
    case operatorProfileWithoutGPUFolder(path: String, known: [String])
    case noProfileRowsForMachine(path: String, machine: String, gpu: String, profiled: [String])

    public var description: String {
        switch self {
        case .invalidTensorParallel(let machine, let gpuCount, let requested):
            let allowed = (1...max(gpuCount, 1)).filter { gpuCount % $0 == 0 }.map(String.init).joined(separator: ", ")
            return "tensor parallel \(requested) does not fit \(machine) (\(gpuCount) GPUs); allowed: \(allowed)"
        case .headsNotDivisible(let model, let queryHeads, let tensorParallel):
            return "\(model) has \(queryHeads) query heads, which tensor parallel \(tensorParallel) does not divide; pick a divisor of \(queryHeads)"
        case .powerCapNotAllowed(let machine, let requested, let allowed):
            return "power cap \(requested) is not one \(machine) allows; allowed: \(allowed.map { String($0) }.joined(separator: ", ")) (add one to the machine's powerCaps in the catalogue)"
        case .modelDoesNotFit(let model, let machine, let tensorParallel, let weightGiB, let usableGiB):
            return String(format: "%@ does not fit on %@ at tensor parallel %d: %.1f GiB of weights, %.1f GiB usable; use a larger tensor parallel degree or a machine with more memory", model, machine, tensorParallel, weightGiB, usableGiB)
        case .malformedProfile(let path, let line, let column, let value, let allowed):
            return "\(path):\(line): \(column) is \(value); allowed: \(allowed)"
        case .emptyProfile(let path, let detail):
            return "\(path): no usable profile rows: \(detail)"
        case .noProfileRowsForMachine(let path, let machine, let gpu, let profiled):
            return "\(path): no rows of \(machine)'s GPU (\(gpu)); the profiles hold \(profiled.joined(separator: ", ")): name a machine of one of those, or drop --machine"
        case .unknownProfileHardware(let path, let hardware, let known):
            return "\(path): hardware '\(hardware)' matches no catalogue GPU with a machine; known GPUs: \(known.joined(separator: ", "))"
        case .operatorProfileWithoutGPUFolder(let path, let known):
            return "\(path): no folder on the path names a catalogue GPU; put the file under a folder named after its GPU or the first part of its id (e.g. a100/ for a100-80gb); known GPUs: \(known.joined(separator: ", "))"
        }
    }
}
