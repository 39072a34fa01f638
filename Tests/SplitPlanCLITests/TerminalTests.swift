@testable import SplitPlanCLI
import Testing

/// Colour and the progress line follow the conventions: no-color.org's NO_COLOR, and TERM=dumb.
@Test(arguments: [
    (true, [String: String](), true),
    (false, [:], false),
    (true, ["NO_COLOR": "1"], false),
    (true, ["NO_COLOR": ""], true),
    (true, ["TERM": "dumb"], false),
    (true, ["TERM": "xterm-256color"], true),
])
func escapesFollowNoColorAndDumbTerminals(isTerminal: Bool, environment: [String: String], expected: Bool) {
    #expect(Terminal.allowsEscapes(isTerminal: isTerminal, environment: environment) == expected)
}
