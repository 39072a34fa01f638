@testable import ClusterModel
import Foundation
import Testing

@Suite struct TraceTests {
    /// Figures from the Splitwise paper's description of the Azure traces (shared reference).
    @Test func conversationTraceMatchesPublishedStatistics() throws {
        let trace = try Trace.load(Repository.traces.appendingPathComponent("conversation.csv"))
        #expect(trace.requests.count == 19_366)
        let prompts = trace.requests.map(\.promptTokens).sorted(), outputs = trace.requests.map(\.outputTokens).sorted()
        #expect(prompts[prompts.count / 2] == 1020 && outputs[outputs.count / 2] == 129)
        #expect(abs(Double(prompts.reduce(0, +)) / Double(prompts.count) - 1155) < 1)
        #expect(abs(Double(outputs.reduce(0, +)) / Double(outputs.count) - 211) < 1)
        #expect(abs(trace.meanRatePerSecond - 5.5) < 0.3)
    }

    @Test func codeTraceMatchesPublishedStatistics() throws {
        let trace = try Trace.load(Repository.traces.appendingPathComponent("code.csv"))
        #expect(trace.requests.count == 8_819)
        let prompts = trace.requests.map(\.promptTokens).sorted()
        #expect(prompts[prompts.count / 2] == 1469)
        #expect(abs(Double(prompts.reduce(0, +)) / Double(prompts.count) - 2048) < 1)
    }

    @Test func timestampsAreSecondsFromTheFirstRequest() throws {
        let text = "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 23:59:59.5000000,10,2\r\n2023-11-17 00:00:01.2500000,20,3\r\n\r\n"
        let trace = try Trace.parse(text, file: "t.csv")
        #expect(trace.requests.map(\.arrivalSeconds) == [0, 1.75])
        #expect(trace.requests[1] == Request(arrivalSeconds: 1.75, promptTokens: 20, outputTokens: 3))
    }

    /// 2023-01-01 is 53·365 + 13 leap days = 19,358 days after 1970-01-01; 16 November is 319 days later.
    @Test func civilDaysByHand() {
        #expect(TraceTimestamp.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(TraceTimestamp.daysFromCivil(year: 2023, month: 1, day: 1) == 19_358)
        #expect(TraceTimestamp.daysFromCivil(year: 2023, month: 11, day: 16) == 19_677)
        #expect(TraceTimestamp.daysFromCivil(year: 2024, month: 3, day: 1) - TraceTimestamp.daysFromCivil(year: 2024, month: 2, day: 28) == 2)
    }

    /// The seconds field is read as the standard library's parser reads it, bit for bit: random decimals of
    /// up to 17 digits (past the fast path's 15), points anywhere, and malformed text, which both refuse.
    @Test func decimalSecondsAsTheStandardParser() {
        var random = SplitMix64(seed: 11)
        var cases = ["0", "00.5", "59.9999999", "60.0000000", "5.", ".5", ".", "", "1.2.3", "1e3", "-1", "+1", " 1", "1 ", "0x10",
                     "12345678901234.5", "1234567890123456", "9.00719925474099267"]
        let alphabet = Array("0123456789.")
        for _ in 0..<20_000 {
            let length = 1 + random.nextIndex(18)
            cases.append(String((0..<length).map { _ in alphabet[random.nextIndex(random.nextIndex(4) == 0 ? 11 : 10)] }))
        }
        for text in cases {
            let read = Array(text.utf8).withUnsafeBytes { TraceTimestamp.decimalSeconds($0) }
            #expect(read?.bitPattern == Double(text)?.bitPattern, "\"\(text)\"")
        }
    }

    @Test func plainSecondsAndExtraColumnsInAnyOrder() throws {
        let trace = try Trace.parse("GeneratedTokens,id,TIMESTAMP,ContextTokens\n5,a,10.5,100\n6,b,12,200\n", file: "t.csv")
        #expect(trace.requests == [Request(arrivalSeconds: 0, promptTokens: 100, outputTokens: 5),
                                   Request(arrivalSeconds: 1.5, promptTokens: 200, outputTokens: 6)])
    }

    @Test func windowAndRateScale() throws {
        let trace = try Trace.parse("TIMESTAMP,ContextTokens,GeneratedTokens\n0,1,1\n10,2,2\n20,3,3\n30,4,4\n", file: "t.csv")
        let window = trace.window(startSeconds: 10, durationSeconds: 20, rateScale: 2)
        #expect(window.map(\.arrivalSeconds) == [0, 5] && window.map(\.promptTokens) == [2, 3])
    }

    @Test(arguments: [
        ("TIMESTAMP,Context,GeneratedTokens\n0,1,1\n", 1, "header"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n0,-5,1\n", 2, "ContextTokens"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n0,5,0\n", 2, "GeneratedTokens"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n0,5,1.5\n", 2, "GeneratedTokens"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n0,5\n", 2, "row"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,5,1\n", 2, "TIMESTAMP"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n5,5,1\n3,5,1\n", 3, "TIMESTAMP"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n0,99999999999999999999,1\n", 2, "ContextTokens"),
    ])
    func malformedRowsNameLineAndColumn(text: String, line: Int, column: String) {
        #expect {
            try Trace.parse(text, file: "bad.csv")
        } throws: { error in
            guard case .malformedTrace(let path, let badLine, let badColumn, _, _) = error as? ClusterModelError else { return false }
            return path == "bad.csv" && badLine == line && badColumn == column
        }
    }

    /// A file read in 1 MiB chunks parses as the whole text does, rows cut at chunk ends included.
    @Test func chunkedReadingMatchesWholeText() throws {
        var text = "TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
        for row in 0..<120_000 { text += "2023-11-16 18:\(10 + row / 6000):\(String(format: "%09.6f", Double(row % 6000) / 100)),\(row % 4000 + 1),\(row % 97 + 1)\r\n" }
        text += "2023-11-16 18:30:00.5,7,3"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chunked-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let loaded = try Trace.load(url), parsed = try Trace.parse(text, file: url.path)
        #expect(text.utf8.count > 2 << 20 && loaded == parsed && loaded.requests.count == 120_001)
        // Row 119,999 arrives at 18:29:59.99; the first at 18:10:00, so 1199.99 s later.
        #expect(abs(loaded.requests[119_999].arrivalSeconds - 1199.99) < 1e-6 && loaded.requests.last?.promptTokens == 7)
    }

    /// SplitwiseSim's trace CSV, a generic arrival_s,prompt_tokens,output_tokens file and quoted (RFC 4180)
    /// headers and fields all read as the same requests.
    @Test(arguments: [
        "request_id,request_type,application_id,arrival_timestamp,batch_size,prompt_size,token_size\n0,2,0,5.0,1,100,10\n1,2,0,6.5,1,200,20\n",
        "arrival_s,prompt_tokens,output_tokens\n5,100,10\n6.5,200,20\n",
        "\"TIMESTAMP\",\"ContextTokens\",\"GeneratedTokens\"\n\"5\",\"100\",\"10\"\n6.5,200,20\n",
    ])
    func otherTraceFormatsRead(text: String) throws {
        #expect(try Trace.parse(text, file: "t.csv").requests == [Request(arrivalSeconds: 0, promptTokens: 100, outputTokens: 10),
                                                                   Request(arrivalSeconds: 1.5, promptTokens: 200, outputTokens: 20)])
    }

    @Test func emptyTraces() {
        for text in ["", "TIMESTAMP,ContextTokens,GeneratedTokens\n", "TIMESTAMP,ContextTokens,GeneratedTokens\n\n  \n"] {
            #expect(throws: ClusterModelError.emptyTrace(path: "e.csv")) { try Trace.parse(text, file: "e.csv") }
        }
    }
}
