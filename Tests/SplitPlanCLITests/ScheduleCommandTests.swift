import Foundation
import SplitPlanCLI
import Testing

/// `schedule` plans pools over the example day, verifies them period by period, and refuses what it cannot do.
@Suite(.serialized) struct ScheduleCommandTests {
    let catalog = ["--catalog", Repository.path("Catalog")]
    let day = Repository.path("Scenarios/day-conversation-llama2-70b.json")

    /// Verified on the example day: every period meets every SLO in simulation, the schedule costs no more
    /// than the static plan for the peak, its totals are the sums of its periods, and a second run writes
    /// the same bytes.
    @Test func theExampleDayIsVerifiedAndDeterministic() throws {
        let arguments = ["schedule", day, "--design", "splitwise-hh", "--verify", "--duration", "60", "--no-timings", "--format", "json", "--force"]
        let first = try scratchFile("day-1.json"), second = try scratchFile("day-2.json")
        #expect(SplitPlanCommand.run(quietly: arguments + ["--output", first] + catalog) == 0)
        #expect(SplitPlanCommand.run(quietly: arguments + ["--output", second] + catalog) == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: second))))
        let json = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let schedule = try #require((json["schedules"] as? [[String: Any]])?.first)
        let periods = try #require(schedule["periods"] as? [[String: Any]])
        #expect(periods.count == 24 && periods.allSatisfy { $0["sloMet"] as? Bool == true })
        let cost = try #require(schedule["costUSD"] as? Double)
        let hourly = periods.compactMap { $0["costPerHourUSD"] as? Double }
        #expect(abs(cost - hourly.reduce(0, +)) < 1e-6)
        let staticCost = try #require((schedule["staticPlan"] as? [String: Any])?["costUSD"] as? Double)
        #expect(cost <= staticCost && (json["verification"] as? [String: Any])?["verified"] as? Bool == true)
    }

    /// A curve binned from a trace: each period planned on its own window's sizes and verified by replaying
    /// that window (15 s each: 300 s of the trace at 20x).
    @Test func aTraceBinnedHourIsVerifiedOnItsOwnWindows() throws {
        let output = try scratchFile("hour.json")
        #expect(SplitPlanCommand.run(quietly: ["schedule", Repository.path("Scenarios/hour-conversation-trace-llama2-70b.json"), "--design", "baseline-h100",
                                               "--verify", "--no-timings", "--format", "json", "--output", output] + catalog) == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let verification = try #require(json["verification"] as? [String: Any])
        #expect(verification["simulatedSecondsPerPeriod"] as? Double == 15 && verification["verified"] as? Bool == true)
        let periods = try #require((json["schedules"] as? [[String: Any]])?.first?["periods"] as? [[String: Any]])
        #expect(periods.count == 11 && periods.allSatisfy { $0["sloMet"] as? Bool == true })
    }

    @Test func refusesWhatItCannotDo() throws {
        let noDemand = SplitPlanCommand.run(capturing: ["schedule", Repository.path("Scenarios/quickstart.json")] + catalog)
        #expect(noDemand.status == 65 && noDemand.standardError.contains("demand") && noDemand.standardError.contains("quickstart.json"))
        let widest = SplitPlanCommand.run(capturing: ["schedule", day, "--objective", "max-throughput"] + catalog)
        #expect(widest.status == 65 && widest.standardError.contains("min-cost or min-power"))
        #expect(SplitPlanCommand.run(quietly: ["schedule", day, "--duration", "0"] + catalog) == 65)
        // A cost cap no period can meet: a report that says so, exit 2.
        let capped = SplitPlanCommand.run(capturing: ["schedule", day, "--design", "splitwise-hh", "--cost-cap", "100"] + catalog)
        #expect(capped.status == 2 && capped.standardOutput.contains("INFEASIBLE"))
    }
}
