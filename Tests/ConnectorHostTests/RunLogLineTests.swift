import ConnectorHost
import Foundation
import Testing

/// `RunLogLine` in both formats, with an error that tries to break the line.
@Suite struct RunLogLineTests {
    static let t = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func textLinesSayWhatHappened() {
        #expect(RunLogLine.start("acme", syncID: "2Zx", at: Self.t).rendered(.text) == "2027-01-15T08:00:00Z acme started (sync 2Zx)")
        #expect(RunLogLine.start("acme", at: Self.t).rendered(.text) == "2027-01-15T08:00:00Z acme started")
        #expect(RunLogLine.end("acme", status: "ok", duration: 2.5, detail: "46 resources, 90 grants, 2 changes", at: Self.t)
            .rendered(.text) == "2027-01-15T08:00:00Z acme ok in 2.50s: 46 resources, 90 grants, 2 changes")
        #expect(RunLogLine.end("cf", status: "failed", duration: 0.25, error: "codefresh: HTTP 401\nfrom the server", at: Self.t)
            .rendered(.text) == "2027-01-15T08:00:00Z cf failed in 0.25s: codefresh: HTTP 401 from the server")
    }

    @Test func jsonLinesAreOneObjectWithSortedKeys() throws {
        #expect(RunLogLine.start("acme", syncID: "2Zx", at: Self.t).rendered(.json)
                == #"{"event":"start","instance":"acme","sync_id":"2Zx","time":"2027-01-15T08:00:00Z"}"#)
        let line = RunLogLine.end("cf", status: "failed", duration: 0.25, error: "bad \"thing\"\nhappened", at: Self.t).rendered(.json)
        #expect(line == #"{"duration_seconds":0.25,"error":"bad \"thing\"\nhappened","event":"end","instance":"cf","status":"failed","time":"2027-01-15T08:00:00Z"}"#)
        #expect(!line.contains("\n"))
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["error"] as? String == "bad \"thing\"\nhappened")
        #expect(RunLogLine.end("a", status: "ok", duration: 1.23456, at: Self.t).rendered(.json).hasPrefix(#"{"duration_seconds":1.235,"#))
    }
}
