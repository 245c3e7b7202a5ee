import Foundation

/// One line that `connhost serve` logs when a run starts or ends, as text for people or
/// JSON for log collectors (`--log-format text|json`).
///
/// A line never breaks: an error message with newlines is folded onto one line in text
/// and escaped in JSON.
public struct RunLogLine: Sendable {
    /// How lines are written.
    public enum Format: String, CaseIterable, Sendable {
        /// `2027-01-15T08:00:02Z acme ok in 2.50s: …`.
        case text
        /// One JSON object, keys sorted.
        case json
    }

    /// When the line is logged.
    public var time: Date
    /// The instance, e.g. `acme`.
    public var instance: String
    /// The sync id, when known.
    public var syncID: String?
    /// `nil` for a start line; `ok`, `failed` or `interrupted` for an end line.
    public var status: String?
    /// For an end line: how long the run took.
    public var duration: TimeInterval?
    /// For an end line: what the run synced and found, e.g. `46 resources, 90 grants, 2 changes`.
    public var detail: String?
    /// For a failed run: the error line.
    public var error: String?

    /// A start line.
    public static func start(_ instance: String, syncID: String? = nil, at time: Date) -> RunLogLine {
        RunLogLine(time: time, instance: instance, syncID: syncID)
    }

    /// An end line.
    public static func end(_ instance: String, syncID: String? = nil, status: String, duration: TimeInterval,
                           detail: String? = nil, error: String? = nil, at time: Date) -> RunLogLine {
        RunLogLine(time: time, instance: instance, syncID: syncID, status: status, duration: duration, detail: detail, error: error)
    }

    /// The line, without its newline.
    public func rendered(_ format: Format) -> String {
        switch format {
        case .text:
            var line = "\(Timestamp.iso8601(time)) \(instance)"
            guard let status else { return line + " started" + (syncID.map { " (sync \($0))" } ?? "") }
            line += " \(status) in \(String(format: "%.2f", duration ?? 0))s"
            if let detail { line += ": \(detail)" }
            if let error { line += ": \(error.split(whereSeparator: \.isNewline).joined(separator: " "))" }
            return line
        case .json:
            let object = JSONLine(time: Timestamp.iso8601(time), instance: instance, event: status == nil ? "start" : "end",
                                  syncID: syncID, status: status, durationSeconds: duration.map { ($0 * 1000).rounded() / 1000 },
                                  detail: detail, error: error)
            let data = (try? RecordEncoder().encode(object)) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// The JSON form's fields; absent ones are left out.
    private struct JSONLine: Encodable {
        var time: String
        var instance: String
        var event: String
        var syncID: String?
        var status: String?
        var durationSeconds: Double?
        var detail: String?
        var error: String?

        enum CodingKeys: String, CodingKey {
            case time, instance, event, syncID = "sync_id", status, durationSeconds = "duration_seconds", detail, error
        }
    }
}
