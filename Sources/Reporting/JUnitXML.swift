/// JUnit XML, the test-report format CI systems read: one test case per check.
public struct JUnitXML: Sendable {
    public struct TestCase: Sendable {
        public var className: String
        public var name: String
        public var seconds: Double
        /// A failure message, or an error when the input itself was bad.
        public var failure: String?
        public var error: String?

        public init(className: String, name: String, seconds: Double, failure: String? = nil, error: String? = nil) {
            self.className = className
            self.name = name
            self.seconds = seconds
            self.failure = failure
            self.error = error
        }
    }

    public var suiteName: String
    public var cases: [TestCase]

    public init(suiteName: String, cases: [TestCase]) {
        self.suiteName = suiteName
        self.cases = cases
    }

    public func render() -> String {
        let failures = cases.filter { $0.failure != nil }.count, errors = cases.filter { $0.error != nil }.count
        let total = cases.reduce(0) { $0 + $1.seconds }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(Format.fixed(total, 3))\">\n"
        xml += "  <testsuite name=\"\(Self.escape(suiteName))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(Format.fixed(total, 3))\">\n"
        for testCase in cases {
            xml += "    <testcase classname=\"\(Self.escape(testCase.className))\" name=\"\(Self.escape(testCase.name))\" time=\"\(Format.fixed(testCase.seconds, 3))\""
            if let failure = testCase.failure {
                xml += ">\n      <failure message=\"\(Self.escape(failure))\">\(Self.escape(failure))</failure>\n    </testcase>\n"
            } else if let error = testCase.error {
                xml += ">\n      <error message=\"\(Self.escape(error))\">\(Self.escape(error))</error>\n    </testcase>\n"
            } else {
                xml += "/>\n"
            }
        }
        return xml + "  </testsuite>\n</testsuites>\n"
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
