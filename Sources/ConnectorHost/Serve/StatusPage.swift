import Foundation

/// The HTML of `connhost serve`'s status page (`/`): each instance with its last and next
/// run, then the latest changes.
///
/// Names, errors and profile values come from configuration and tenants, so every value
/// goes through ``HTMLEscape/text(_:)``; the page carries no script and a policy that
/// forbids any, and refreshes itself every 30 seconds.
public struct StatusPage: Sendable {
    /// One configured instance as the page shows it.
    public struct Instance: Sendable {
        /// The instance name, e.g. `acme`.
        public var name: String
        /// The plugin it runs, e.g. `aha`.
        public var plugin: String
        /// Its schedule as written, e.g. `every 6h`.
        public var schedule: String
        /// Whether a run of it goes right now.
        public var running: Bool
        /// Its latest finished run, if any.
        public var lastRun: Run?
        /// When it is due next.
        public var nextRun: Date?
        /// Whether it has a successful snapshot (its name then links to its report).
        public var lastSuccess = false

        /// Creates an instance row.
        public init(name: String, plugin: String, schedule: String, running: Bool = false, lastRun: Run? = nil, nextRun: Date? = nil) {
            self.name = name
            self.plugin = plugin
            self.schedule = schedule
            self.running = running
            self.lastRun = lastRun
            self.nextRun = nextRun
        }
    }

    /// A finished run.
    public struct Run: Sendable {
        /// When it started.
        public var start: Date
        /// When it ended.
        public var end: Date
        /// `ok`, `failed` or `interrupted`.
        public var status: String
        /// The error line of a failed run.
        public var error: String?

        /// Creates a run.
        public init(start: Date, end: Date, status: String, error: String? = nil) {
            self.start = start
            self.end = end
            self.status = status
            self.error = error
        }
    }

    /// The instances, in the order given.
    public var instances: [Instance]
    /// The latest changes, newest first, as recorded (with instance and time).
    public var changes: [ChangeFeed.Change]
    /// When the page was made.
    public var now: Date

    /// Creates a page.
    public init(instances: [Instance], changes: [ChangeFeed.Change], now: Date) {
        self.instances = instances
        self.changes = changes
        self.now = now
    }

    /// The page.
    public func html() -> String {
        func esc(_ text: String) -> String { HTMLEscape.text(text) }
        func time(_ date: Date?) -> String { date.map { esc(Timestamp.iso8601($0)) } ?? "–" }
        func row(_ cells: [String]) -> String { "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n" }

        var page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta http-equiv="refresh" content="30">
        <title>connhost serve</title>
        <style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1d232b}table{border-collapse:collapse;margin:0 0 2em}
        th,td{text-align:left;padding:3px 10px;border-bottom:1px solid #d9dee5;vertical-align:top}th{background:#eef1f5}
        .failed,.interrupted{color:#a33b1f}.muted{color:#5b6573}</style>
        </head><body>
        <h1>connhost serve</h1>
        <p class="muted">As of \(time(now)). <a href="/metrics">Metrics</a> · <a href="/healthz">Health</a></p>
        <h2>Instances</h2>

        """
        if instances.isEmpty {
            page += "<p class=\"muted\">No scheduled instances.</p>\n"
        } else {
            page += "<table><thead><tr><th>Instance</th><th>Plugin</th><th>Schedule</th><th>Last run</th><th>Status</th><th>Next run</th></tr></thead><tbody>\n"
            for instance in instances {
                var status = instance.running ? "running" : "–"
                if !instance.running, let run = instance.lastRun {
                    status = "<span class=\"\(run.status == "ok" ? "ok" : esc(run.status))\">\(esc(run.status))</span>"
                    if let error = run.error { status += "<br><span class=\"muted\">\(esc(error))</span>" }
                }
                let last = instance.lastRun.map { "\(time($0.start)) (\(esc(Self.duration($0.end.timeIntervalSince($0.start)))))" } ?? "never"
                // The name links to the access report of its latest successful snapshot.
                let name = instance.lastSuccess ? "<a href=\"/report/\(esc(instance.name))\">\(esc(instance.name))</a>" : esc(instance.name)
                page += row([name, esc(instance.plugin), esc(instance.schedule), last, status,
                             instance.running ? "running now" : time(instance.nextRun)])
            }
            page += "</tbody></table>\n"
        }
        page += "<h2>Recent changes</h2>\n"
        if changes.isEmpty {
            page += "<p class=\"muted\">No changes recorded yet.</p>\n"
        } else {
            page += "<table><thead><tr><th>Time</th><th>Instance</th><th>Change</th><th>Resource</th><th>Principal</th><th>Details</th></tr></thead><tbody>\n"
            for change in changes {
                let resource = "\(esc(change.displayName)) <span class=\"muted\">\(esc(change.resourceType)):\(esc(change.resourceID))</span>"
                let principal = change.principal.map { "\(esc(change.principalName ?? "")) <span class=\"muted\">\(esc($0.description))</span>" } ?? ""
                var details = change.fields.map { "\(esc($0.field)): \(esc($0.before ?? "–")) → \(esc($0.after ?? "–"))" }
                if let entitlement = change.entitlement { details.insert(esc(entitlement), at: 0) }
                page += row([time(change.time), esc(change.instance ?? ""), esc(change.kind.rawValue.replacingOccurrences(of: "_", with: " ")),
                             resource, principal, details.joined(separator: "<br>")])
            }
            page += "</tbody></table>\n"
        }
        return page + "</body></html>\n"
    }

    /// `0.4s`, `12s`, `3m 05s`, `2h 01m`.
    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 10 { return String(format: "%.1fs", max(0, seconds)) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        return String(format: "%dh %02dm", whole / 3600, whole % 3600 / 60)
    }
}
