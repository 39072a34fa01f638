/// JUnit XML, the test-report format CI systems read: one test suite per scenario file, one test case
/// per check, with the failure's type, so a CI page groups and labels them.
public struct JUnitXML: Sendable {
    public struct TestCase: Sendable {
        public var className: String
        public var name: String
        public var seconds: Double
        /// A failure message, or an error when the input itself was bad (or the run was stopped).
        public var failure: String?
        public var error: String?
        /// The kind of failure or error: `expectation`, `invalid`, `stopped`.
        public var type: String?

        public init(className: String, name: String, seconds: Double, failure: String? = nil, error: String? = nil, type: String? = nil) {
            self.className = className
            self.name = name
            self.seconds = seconds
            self.failure = failure
            self.error = error
            self.type = type
        }
    }

    public struct Suite: Sendable {
        public var name: String
        /// The file the suite checked.
        public var file: String
        public var cases: [TestCase]
        /// JUnit `<properties>`: what the suite was computed from (version, digests).
        public var properties: [(name: String, value: String)]

        public init(name: String, file: String, cases: [TestCase], properties: [(name: String, value: String)] = []) {
            self.name = name
            self.file = file
            self.cases = cases
            self.properties = properties
        }
    }

    public var name: String
    public var suites: [Suite]
    /// When the run started (ISO 8601, UTC) and where: JUnit's `timestamp` and `hostname`.
    public var timestamp: String
    public var hostname: String

    public init(name: String, suites: [Suite], timestamp: String, hostname: String) {
        self.name = name
        self.suites = suites
        self.timestamp = timestamp
        self.hostname = hostname
    }

    public func render() -> String {
        let all = suites.flatMap(\.cases)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(Self.escape(name))\" \(Self.counts(all))>\n"
        for suite in suites {
            xml += "  <testsuite name=\"\(Self.escape(suite.name))\" file=\"\(Self.escape(suite.file))\" \(Self.counts(suite.cases)) "
                + "timestamp=\"\(Self.escape(timestamp))\" hostname=\"\(Self.escape(hostname))\">\n"
            if !suite.properties.isEmpty {
                xml += "    <properties>\n" + suite.properties.map { "      <property name=\"\(Self.escape($0.name))\" value=\"\(Self.escape($0.value))\"/>\n" }.joined()
                    + "    </properties>\n"
            }
            for testCase in suite.cases {
                xml += "    <testcase classname=\"\(Self.escape(testCase.className))\" name=\"\(Self.escape(testCase.name))\" "
                    + "file=\"\(Self.escape(suite.file))\" time=\"\(Format.fixed(testCase.seconds, 3))\""
                let type = testCase.type.map { " type=\"\(Self.escape($0))\"" } ?? ""
                if let failure = testCase.failure {
                    xml += ">\n      <failure message=\"\(Self.escape(failure))\"\(type)>\(Self.escape(failure))</failure>\n    </testcase>\n"
                } else if let error = testCase.error {
                    xml += ">\n      <error message=\"\(Self.escape(error))\"\(type)>\(Self.escape(error))</error>\n    </testcase>\n"
                } else {
                    xml += "/>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    private static func counts(_ cases: [TestCase]) -> String {
        let failures = cases.filter { $0.failure != nil }.count, errors = cases.filter { $0.error != nil }.count
        return "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(Format.fixed(cases.reduce(0) { $0 + $1.seconds }, 3))\""
    }

    /// XML 1.0 text and attribute escaping; characters XML cannot carry become '?'.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar.value < 0x20 ? "?" : scalar)
            }
        }
        return out
    }
}
