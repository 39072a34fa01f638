import ClusterModel

/// A measured-profile CSV read by column name: the header must name every needed column, and each field
/// is read with an error that names the file, line, column, value and what is allowed.
struct ProfileCSV {
    let file: String
    let csv: CSVText
    private let position: [String: Int]

    init(_ text: String, file: String, columns needed: [String]) throws {
        self.file = file
        csv = CSVText(text)
        guard !csv.header.isEmpty else { throw ThroughputError.emptyProfile(path: file, detail: "the file is empty") }
        var position: [String: Int] = [:]
        for column in needed {
            guard let index = csv.header.firstIndex(of: column) else {
                throw ThroughputError.malformedProfile(path: file, line: 1, column: "header", value: "missing \(column)",
                                                       allowed: "a header with the columns \(needed.joined(separator: ", "))")
            }
            position[column] = index
        }
        self.position = position
    }

    /// Every data row, each checked to have as many fields as the header.
    func rows() throws -> [Row] {
        try csv.rows.map { row in
            guard row.fields.count == csv.header.count else {
                throw ThroughputError.malformedProfile(path: file, line: row.line, column: "row", value: "\(row.fields.count) fields",
                                                       allowed: "\(csv.header.count) fields, as in the header")
            }
            return Row(file: file, line: row.line, fields: row.fields, position: position)
        }
    }

    struct Row {
        let file: String
        let line: Int
        let fields: [String]
        let position: [String: Int]

        func field(_ name: String) -> String { fields[position[name] ?? 0] }

        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let value = Int(field(name)), range.contains(value) else {
                throw ThroughputError.malformedProfile(path: file, line: line, column: name, value: "\"\(field(name))\"",
                                                       allowed: "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        /// A time given in milliseconds, returned in seconds.
        func seconds(fromMilliseconds name: String) throws -> Double {
            guard let value = Double(field(name)), value.isFinite, value > 0, value < 1e9 else {
                throw ThroughputError.malformedProfile(path: file, line: line, column: name, value: "\"\(field(name))\"",
                                                       allowed: "a time in milliseconds > 0")
            }
            return value / 1000
        }
    }
}
