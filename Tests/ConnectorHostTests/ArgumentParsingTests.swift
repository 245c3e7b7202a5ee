import ConnectorHost
import Testing

/// The hand-written, table-driven argument parser.
struct ArgumentParsingTests {
    let options: [OptionSpec] = [
        .value("output", "PATH", "where"), .value("format", "FORMAT", "how"),
        .flag("json", "machine output"), .flag("isolate", "worker"),
    ]

    @Test func parsesValuesFlagsAndPositionals() throws {
        let parsed = try ParsedArguments.parse(["sync", "aha", "--output", "a.db", "--json", "--format=json", "--", "--literal"],
                                               options: options)
        #expect(parsed.positionals == ["sync", "aha", "--literal"])
        #expect(parsed.values == ["output": "a.db", "format": "json"])
        #expect(parsed.flags == ["json"])
    }

    @Test func lastValueWinsAndDashIsAValue() throws {
        let parsed = try ParsedArguments.parse(["--output", "a", "--output", "-"], options: options)
        #expect(parsed.values["output"] == "-")
    }

    @Test(arguments: [
        (["--outptu", "x"], "unknown option --outptu; did you mean --output?"),
        (["--zzzzzzzz"], "unknown option --zzzzzzzz"),
        (["--output"], "--output needs a value (--output PATH)"),
        (["--output", "--json"], "--output needs a value (--output PATH)"),
        (["--json=yes"], "--json takes no value"),
        (["-x"], "unknown option -x"),
    ])
    func rejects(arguments: [String], message: String) {
        #expect(throws: HostError.usage(message)) { try ParsedArguments.parse(arguments, options: options) }
    }

    @Test func lenientModeKeepsUnknownOptionsForASecondPass() throws {
        let parsed = try ParsedArguments.parse(["aha", "--base-url", "https://a.aha.io", "--verbose-ish", "--json"],
                                               options: options, lenient: true)
        #expect(parsed.positionals == ["aha"])
        #expect(parsed.values["base-url"] == "https://a.aha.io")
        #expect(parsed.flags == ["verbose-ish", "json"])
    }

    @Test func suggestsOnlyNearWords() {
        #expect(ParsedArguments.closest(to: "sycn", in: ["sync", "show", "diff"]) == "sync")
        #expect(ParsedArguments.closest(to: "completely-different", in: ["sync", "show"]) == nil)
    }
}
