import Foundation

/// What one sync produced and cost; printed at the end and stored by sinks that keep runs.
public struct SyncSummary: Codable, Hashable, Sendable {
    /// Connector (plugin) name.
    public var connector: String
    /// The configured instance synced, when it is not named like its plugin (`acme`).
    public var instance: String?
    /// Plugin version.
    public var pluginVersion: String
    /// When the sync started.
    public var startedAt: Date
    /// When it ended.
    public var endedAt: Date
    /// Resources per resource type id.
    public var resources: [String: Int] = [:]
    /// Entitlements written.
    public var entitlements = 0
    /// Grants written.
    public var grants = 0
    /// HTTP requests made, retries included.
    public var requests = 0
    /// Of those, retries.
    public var retries = 0
    /// Answers that were 429 (rate limited).
    public var rateLimited = 0
    /// Problems that did not stop the sync (e.g. grants to principals never listed).
    public var warnings: [String] = []

    /// Creates an empty summary for a starting sync.
    public init(connector: String, pluginVersion: String, startedAt: Date = Date()) {
        self.connector = connector
        self.pluginVersion = pluginVersion
        self.startedAt = startedAt
        self.endedAt = startedAt
    }

    enum CodingKeys: String, CodingKey {
        case connector, instance, pluginVersion = "plugin_version", startedAt = "started_at", endedAt = "ended_at"
        case resources, entitlements, grants, requests, retries, rateLimited = "rate_limited", warnings
    }

    /// Wall time in seconds.
    public var elapsed: TimeInterval { endedAt.timeIntervalSince(startedAt) }

    /// One line: `aha: 12 user, 3 team, 3 entitlements, 20 grants in 0.41s (4 requests)`,
    /// named by the instance when it has a name of its own.
    public var line: String {
        let connector = instance ?? self.connector
        let types = resources.keys.sorted().map { "\(resources[$0] ?? 0) \($0)" }.joined(separator: ", ")
        let retryText = retries > 0 ? ", \(retries) retries" : ""
        return "\(connector): \(types.isEmpty ? "0 resources" : types), \(entitlements) entitlements, "
            + "\(grants) grants in \(String(format: "%.2f", elapsed))s (\(requests) requests\(retryText))"
    }
}
