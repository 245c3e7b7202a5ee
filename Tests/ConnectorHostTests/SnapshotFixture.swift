@_exported import TestSupport
import ConnectorHost
import ConnectorKit
import Foundation

/// A small snapshot with the awkward cases: non-ASCII names, quotes, a resource id that
/// two types share, a parent, an empty profile.
enum SnapshotFixture {
    /// A whole second, so that every format's ISO 8601 time round-trips exactly.
    static let startedAt = Date(timeIntervalSince1970: 1_764_000_000)
    static let connector = "fixture-ü"

    static let resourceTypes = [
        ResourceType(id: "user", displayName: "User", traits: [.user]),
        ResourceType(id: "team", displayName: "Équipe", traits: [.group]),
        ResourceType(id: "account", displayName: "Account", traits: [.app]),
    ]
    static let account = Resource(type: "account", id: "acme", displayName: "ACME Ünited")
    /// `team:7` and `user:7` share the id 7 on purpose.
    static let team = Resource(type: "team", id: "7", displayName: "增长团队 \"Growth\"",
                               parent: account.reference)
    static let users = [
        Resource(type: "user", id: "7", displayName: "Zoë Ångström",
                 profile: ["email": "zoë@exämple.com", "status": "enabled", "note": "line one\nline two"]),
        Resource(type: "user", id: "42", displayName: "Seán O'Brien \\ 🚀", profile: [:]),
    ]
    static let member = Entitlement(resource: team.reference, slug: "member", displayName: "Membre de l'équipe")
    static let admin = Entitlement(resource: account.reference, slug: "admin", displayName: "Admin", purpose: .permission)
    static let grants = [
        Grant(entitlement: member, principal: users[0].reference),
        Grant(entitlement: member, principal: users[1].reference),
        Grant(entitlement: admin, principal: users[0].reference),
    ]

    /// The records in the order the sync engine would stream them.
    static let records: [SnapshotRecord] =
        resourceTypes.map { .resourceType($0) }
        + [.resource(users[0]), .resource(users[1]), .resource(team), .entitlement(member), .grant(grants[0]),
           .grant(grants[1]), .resource(account), .entitlement(admin), .grant(grants[2])]

    /// What reading any format back must give.
    static let expected = Snapshot(connector: connector, syncedAt: startedAt, resourceTypes: resourceTypes,
                                   resources: users + [team, account], entitlements: [member, admin], grants: grants)

    /// The summary a sync of `records` would end with.
    static var summary: SyncSummary {
        var summary = SyncSummary(connector: connector, pluginVersion: "1.2.3", startedAt: startedAt)
        summary.endedAt = startedAt.addingTimeInterval(2)
        summary.resources = ["account": 1, "team": 1, "user": 2]
        summary.entitlements = 2
        summary.grants = 3
        return summary
    }

    /// Writes `records` as a committed snapshot of `format` at `path`.
    static func write(_ format: SnapshotFormat, to path: String, records: [SnapshotRecord] = records) throws {
        try write(into: format.makeSink(destination: path), records: records)
    }

    /// Streams `records` into `sink` and commits them, as a sync would.
    static func write(into sink: any SnapshotSink, records: [SnapshotRecord] = records) throws {
        try sink.begin(connector: connector, pluginVersion: "1.2.3")
        for record in records { try sink.write(record) }
        try sink.commit(summary)
    }
}

/// A fresh directory under the system temp directory, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("connhost-tests-\(getpid())-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// The temp files (`.<name>.tmp-*`) sinks leave in `directory`, which must be none.
func temporaryFiles(in directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") && $0.contains(".tmp-") }
}
