import Foundation

/// `connhost serve`'s log: one line on stderr per run start and end (and per reload or
/// skipped instance), as text or as JSON lines for a log collector.
public struct ServeLog: Sendable {
    /// How lines are written.
    public enum Format: String, Sendable {
        case text, json
    }

    /// The line format.
    public let format: Format
    private let write: @Sendable (String) -> Void

    /// A log in `format`, writing each line with `write` (stderr by default).
    public init(format: Format, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.format = format
        self.write = write
    }

    /// Any line: `message` as text, or `fields` plus the message as one JSON object.
    public func line(_ message: String, _ fields: [String: any Sendable] = [:]) {
        let now = Date()
        switch format {
        case .text:
            write("\(Timestamp.iso8601(now)) \(message)")
        case .json:
            var object: [String: Any] = fields
            object["time"] = Timestamp.iso8601(now)
            object["message"] = message
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            write(String(decoding: data, as: UTF8.self))
        }
    }

    /// A run starting `delay` seconds after it was due (the scheduling delay).
    func started(_ instance: String, delay: TimeInterval) {
        line("\(instance): sync started", ["event": "start", "instance": instance, "delay_ms": (delay * 1000).rounded()])
    }

    func ended(_ instance: String, outcome: InstanceRunner.Outcome) {
        var fields: [String: any Sendable] = ["event": "end", "instance": instance, "status": outcome.status.rawValue,
                                              "sync_id": outcome.syncID, "changes": outcome.changes.count]
        var message = "\(instance): \(outcome.status.rawValue)"
        if let summary = outcome.summary {
            message += ", " + summary.line.drop { $0 != ":" }.dropFirst(2) + ", \(outcome.changes.count) changes"
            fields["requests"] = summary.requests
            fields["seconds"] = summary.elapsed
        }
        if let error = outcome.error {
            message += ": \(error)"
            fields["error"] = error
        }
        line(message, fields)
    }

    func skipped(_ instance: String, reason: String) {
        line("\(instance): not scheduled: \(reason)", ["event": "skipped", "instance": instance, "error": reason])
    }

    func reloaded(instances: Int, skipped: [String: String]) {
        line("configuration reloaded: \(instances) scheduled instances", ["event": "reload", "instances": instances])
        for (name, reason) in skipped.sorted(by: { $0.key < $1.key }) { self.skipped(name, reason: reason) }
    }
}
