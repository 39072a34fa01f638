import ArgumentParser
import ClusterModel
import Foundation

/// A catalogue machine file with new calibration constants: the machine's own file (every other figure
/// and its sources as they are) with `calibration` replaced, read back by the catalogue loader before it
/// is written, so that what `calibrate --write` leaves behind always loads.
enum MachineFileWriter {
    static func text(_ machine: MachineSpec, calibration: MachineCalibration, catalog: Catalog) throws -> String {
        guard let origin = catalog.origins["machine:\(machine.id)"] else {
            throw ValidationError("machine \(machine.id) was not read from a catalogue file, so there is no file to write a copy of")
        }
        let original = try JSONDocument.readFile(URL(fileURLWithPath: origin), role: "catalogue machine file", maximumBytes: JSONDocument.maximumBytes)
        guard var fields = try JSONSerialization.jsonObject(with: original) as? [String: Any] else {
            throw ValidationError("\(origin): a machine file holds one JSON object")
        }
        fields["calibration"] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(calibration))
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        // The loader's verdict on the result, under the name the file will need in a catalogue folder.
        let check = URL(fileURLWithPath: "machines/\(machine.id).json")
        _ = try MachineSpec(json: JSONCursor(file: check.path, value: try JSONValue.parse(data, path: check.path)))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
