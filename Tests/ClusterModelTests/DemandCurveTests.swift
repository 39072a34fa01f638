import ClusterModel
import Foundation
import Testing

@Suite struct DemandCurveTests {
    /// Rates given as numbers load as given; the schedule object's members load, defaults otherwise.
    @Test func ratesAndScheduleSettingsLoad() throws {
        let sandbox = try ScenarioSandbox()
        let plain = try Scenario.load(try sandbox.scenario { _ in })
        #expect(plain.demand == nil && plain.schedule == ScheduleSettings())
        let file = try sandbox.scenario {
            $0["demand"] = ["periodSeconds": 3600, "ratesPerSecond": [10, 20.5, 5], "source": "synthetic: a test"]
            $0["schedule"] = ["drainSeconds": 60, "maxRoleChangesPerPeriod": 3, "onDemandPriceFactor": 2, "cyclic": false]
        }
        let scenario = try Scenario.load(file)
        let demand = try #require(scenario.demand)
        #expect(try demand.ratesPerSecond(traces: [:], file: file.path) == [10, 20.5, 5] && demand.periodSeconds == 3600)
        #expect(scenario.schedule.drainSeconds == 60 && scenario.schedule.maxRoleChangesPerPeriod == 3
                && scenario.schedule.onDemandPriceFactor == 2 && !scenario.schedule.cyclic)
    }

    /// A day's trace of seven arrivals (at 0, 0.5, 1.2, 2.1, 2.2, 2.9 and 3.5 s, with these prompt sizes)
    /// binned into periods of 1 s at rate scale 2, loaded with its traces.
    func binnedDay(promptTokens: [Int]) throws -> (ScenarioSandbox, URL, Scenario, [URL: Trace]) {
        let sandbox = try ScenarioSandbox()
        let arrivals = ["0", "0.5", "1.2", "2.1", "2.2", "2.9", "3.5"]
        let rows = zip(arrivals, promptTokens).map { "\($0),\($1),1\n" }.joined()
        try sandbox.write("day.csv", "arrival_s,prompt_tokens,output_tokens\n" + rows)
        let file = try sandbox.scenario { $0["demand"] = ["periodSeconds": 1, "trace": ["file": "day.csv", "rateScale": 2]] }
        let scenario = try Scenario.load(file)
        return (sandbox, file, scenario, try scenario.loadTraces())
    }

    /// Binned from a trace: arrivals at 0, 0.5, 1.2, 2.1, 2.2, 2.9 and 3.5 s in periods of 1 s give 2, 1 and 3
    /// requests in the three whole periods (the last, partial second is left out); rateScale 2 doubles them.
    @Test func ratesBinnedFromATrace() throws {
        let (sandbox, file, scenario, traces) = try binnedDay(promptTokens: Array(repeating: 1, count: 7))
        #expect(try scenario.demand?.ratesPerSecond(traces: traces, file: file.path) == [4, 2, 6])
        let long = try Scenario.load(try sandbox.scenario { $0["demand"] = ["periodSeconds": 10, "trace": ["file": "day.csv"]] })
        let error = try #require(throws: ClusterModelError.self) { try long.demand?.ratesPerSecond(traces: try long.loadTraces(), file: file.path) }
        #expect(error.description.contains("demand.periodSeconds") && error.description.contains("shorter period"))
    }

    /// A curve binned from a trace plans each period on that period's window: the window holds exactly the
    /// requests counted for its rate (2, 1 and 3 of the trace above), at the curve's rate scale.
    @Test func periodWindowsHoldTheRequestsTheirRatesCount() throws {
        let (sandbox, file, scenario, traces) = try binnedDay(promptTokens: Array(1...7))
        let demand = try #require(scenario.demand)
        let rates = try demand.ratesPerSecond(traces: traces, file: file.path)
        let windows = try #require(demand.periodWorkloads(count: rates.count))
        for (rate, window) in zip(rates, windows) {
            let requests = try window.requests(traces: traces, seed: 1)
            #expect(Double(requests.count) * 2 / demand.periodSeconds == rate)
        }
        #expect(try windows[2].requests(traces: traces, seed: 1).map(\.promptTokens) == [4, 5, 6])
        #expect(try Scenario.load(try sandbox.scenario { $0["demand"] = ["periodSeconds": 60, "ratesPerSecond": [1], "source": "s"] })
                    .demand?.periodWorkloads(count: 1) == nil)
    }

    /// Each broken demand or schedule value is reported at its JSON path.
    @Test(arguments: [
        ("demand", "[]"), ("demand.periodSeconds", "0"), ("demand.ratesPerSecond", "[]"), ("demand.ratesPerSecond", "[10, -1]"),
        ("demand.source", "\" \""), ("demand.ratesPerSecond", "[\"10\"]"),
        ("schedule.drainSeconds", "-1"), ("schedule.maxRoleChangesPerPeriod", "1.5"), ("schedule.onDemandPriceFactor", "0"),
        ("schedule.cyclic", "\"yes\""),
    ])
    func invalidValuesNameTheirPath(path: String, literal: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
        let sandbox = try ScenarioSandbox()
        let file = try sandbox.scenario {
            $0["demand"] = ["periodSeconds": 3600, "ratesPerSecond": [10, 20], "source": "synthetic: a test"]
            set(&$0, path, value)
        }
        let error = try #require(throws: ClusterModelError.self) { try Scenario.load(file) }
        #expect(error.description.contains(file.path) && error.description.contains(path.components(separatedBy: ".").prefix(2).joined(separator: ".")),
                "\(error)")
    }

    /// Numbers and a trace at once, or neither, is refused with what is allowed.
    @Test func exactlyOneSourceOfRates() throws {
        let sandbox = try ScenarioSandbox()
        let both = try sandbox.scenario {
            $0["demand"] = ["periodSeconds": 60, "ratesPerSecond": [1], "source": "s", "trace": ["file": "trace.csv"]]
        }
        let error = try #require(throws: ClusterModelError.self) { try Scenario.load(both) }
        #expect(error.description.contains("exactly one of \"ratesPerSecond\""))
        let typo = try sandbox.scenario { $0["demand"] = ["periodSeconds": 60, "trace": ["file": "trace.csv", "speed": 2]] }
        let unknown = try #require(throws: ClusterModelError.self) { try Scenario.load(typo) }
        #expect(unknown.description.contains("demand.trace.speed"))
    }
}
