import ConnectorHost
import Foundation
import Testing
import TestSupport

/// `PrometheusText` output checked byte for byte and read back by a strict parser.
@Suite struct PrometheusTextTests {
    @Test func writesHelpTypeAndSamples() {
        var metrics = PrometheusText()
        metrics.family("connhost_runs_total", .counter, help: "Sync runs by instance and status.", samples: [
            (labels: [("instance", "acme"), ("status", "ok")], value: 3),
            (labels: [("instance", "acme"), ("status", "failed")], value: 0),
        ])
        metrics.family("connhost_up", .gauge, help: "1 while the scheduler runs.", samples: [(labels: [], value: 1)])
        #expect(metrics.text == """
        # HELP connhost_runs_total Sync runs by instance and status.
        # TYPE connhost_runs_total counter
        connhost_runs_total{instance="acme",status="ok"} 3
        connhost_runs_total{instance="acme",status="failed"} 0
        # HELP connhost_up 1 while the scheduler runs.
        # TYPE connhost_up gauge
        connhost_up 1

        """)
        #expect(PrometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test func escapesBackslashQuoteAndNewline() {
        var metrics = PrometheusText()
        metrics.family("m", .gauge, help: "a \\ b\nc \"q\"", samples: [(labels: [("l", "x\\y\"z\nw")], value: 1)])
        #expect(metrics.text == "# HELP m a \\\\ b\\nc \"q\"\n# TYPE m gauge\nm{l=\"x\\\\y\\\"z\\nw\"} 1\n")
        #expect(PrometheusText.escape("<script>\"\\\n", quotes: true) == "<script>\\\"\\\\\\n")
        #expect(PrometheusText.escape("\"", quotes: false) == "\"")
    }

    @Test func formatsFloatsAsTheFormatSpellsThem() {
        let cases: [(Double, String)] = [(0, "0"), (-0.0, "0"), (42, "42"), (-7, "-7"), (1.5, "1.5"), (0.001, "0.001"),
                                         (1_764_579_600, "1764579600"), (1_764_579_600.25, "1764579600.25"),
                                         (1e20, "1e+20"), (1e-7, "1e-07"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
                                         (.nan, "NaN")]
        for (value, text) in cases {
            #expect(PrometheusText.format(value) == text)
        }
    }

    @Test func roundTripsThroughTheStrictParser() throws {
        let hostile = ["", "acme", "a\\b", "say \"hi\"", "two\nlines", "\\n literally", "Zoë 東京", "}{,=\" ", "\\\"\n\\"]
        let values: [Double] = [0, 1, -2.5, 1e300, 5e-324, .infinity, -.infinity, .nan, 123_456_789.125]
        var metrics = PrometheusText()
        metrics.family("connhost_test_total", .counter, help: "Help with \\ and\nnewline.",
                       samples: hostile.enumerated().map { (labels: [("instance", $1), ("n", "\($0)")], value: values[$0]) })
        metrics.family("connhost_gauge", .gauge, help: "", samples: [])
        metrics.family("connhost:ratio", .gauge, help: "x", samples: [(labels: [], value: 0.5)])

        let families = try PrometheusParser.parse(metrics.text)
        #expect(families.map(\.name) == ["connhost_test_total", "connhost_gauge", "connhost:ratio"])
        #expect(families.map(\.type) == ["counter", "gauge", "gauge"])
        #expect(families[0].help == "Help with \\ and\nnewline.")
        #expect(families[1].help == "" && families[1].samples.isEmpty)
        let samples = families[0].samples
        #expect(samples.map { $0.labels["instance"] } == hostile)
        for (sample, value) in zip(samples, values) {
            #expect(sample.sameValue(value), "\(sample.value) != \(value)")
        }
        #expect(families[2].samples.map(\.name) == ["connhost:ratio"])
        #expect(families[2].samples.map(\.labels) == [[:]] && families[2].samples.map(\.value) == [0.5])
    }

    /// The parser is strict: each of these is refused.
    @Test func theParserRefusesWhatTheFormatForbids() {
        let bad = [
            "m 1",                                                // no final newline
            "m{l=\"a\"b\"} 1\n",                                  // unescaped quote
            "m{l=\"a\\tb\"} 1\n",                                 // unknown escape
            "m{l=\"a\"} \n",                                      // no value
            "m{l=\"a\"} one\n",                                   // not a number
            "m{l=\"a\"} 1 2 3\n",                                 // too many fields
            "m{1l=\"a\"} 1\n",                                    // bad label name
            "m{__l=\"a\"} 1\n",                                   // reserved label name
            "m{l=\"a\",l=\"b\"} 1\n",                             // label twice
            "m{l=\"a\",} 1\n",                                    // trailing comma
            "1m 1\n",                                             // bad metric name
            "# TYPE m counter\n# TYPE m counter\nm 1\n",          // TYPE twice
            "m 1\n# TYPE m counter\n",                            // TYPE after samples
            "# TYPE m teapot\nm 1\n",                             // unknown type
            "# HELP m a\n# HELP m b\nm 1\n",                      // HELP twice
            "# HELP m a \\t\nm 1\n",                              // bad escape in HELP
            "m{l=\"a\"} 1\nn 1\nm{l=\"b\"} 2\n",                  // family split by another
            "m{l=\"a\"} 1\nm{l=\"a\"} 2\n",                       // same series twice
        ]
        for text in bad {
            #expect(throws: PrometheusParser.Failure.self, "\(text.debugDescription)") { try PrometheusParser.parse(text) }
        }
        // And it accepts what the format allows: comments, blank lines, timestamps, summaries.
        let good = "# a comment\n\n# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 3 1700000000000\ns_count 2\nu NaN\n"
        #expect(throws: Never.self) { try PrometheusParser.parse(good) }
        #expect((try? PrometheusParser.parse(good).map(\.name)) == ["s", "u"])
    }
}
