import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `SnapshotDiff` on hand-made snapshots whose differences are known.
@Suite struct SnapshotDiffTests {
    static let types = [ResourceType(id: "user", displayName: "User", traits: [.user]),
                        ResourceType(id: "team", displayName: "Team", traits: [.group])]
    static let team1 = Resource(type: "team", id: "1", displayName: "Core")
    static let team2 = Resource(type: "team", id: "2", displayName: "Ops")
    static let member1 = Entitlement(resource: team1.reference, slug: "member", displayName: "Core member")
    static let member2 = Entitlement(resource: team2.reference, slug: "member", displayName: "Ops member")

    static func user(_ id: String, _ name: String, _ profile: [String: String] = [:]) -> Resource {
        Resource(type: "user", id: id, displayName: name, profile: profile)
    }

    static let old = Snapshot(
        connector: "aha", syncedAt: Date(timeIntervalSince1970: 1), resourceTypes: types,
        resources: [team1, user("7", "Ann"), user("9", "Bo", ["email": "bo@x", "status": "enabled", "login": "bo"]),
                    user("10", "Cy"), user("11", "Dee")],
        entitlements: [member1],
        grants: [Grant(entitlement: member1, principal: .init(type: "user", id: "7")),
                 Grant(entitlement: member1, principal: .init(type: "user", id: "10"))])

    static let new = Snapshot(
        connector: "aha", syncedAt: Date(timeIntervalSince1970: 99), resourceTypes: types,
        resources: [team1, team2, user("9", "Bo", ["email": "bo@y", "login": "bo", "role": "admin"]),
                    user("10", "Cy"), user("11", "Dée"), user("42", "Zoë")],
        entitlements: [member1, member2],
        grants: [Grant(entitlement: member1, principal: .init(type: "user", id: "10")),
                 Grant(entitlement: member2, principal: .init(type: "user", id: "42")),
                 Grant(entitlement: member1, principal: .init(type: "user", id: "9"))])

    @Test func reportsExactlyTheKnownChanges() {
        let diff = SnapshotDiff(old: Self.old, new: Self.new)
        #expect(diff.lines == [
            "+ resource team:2 \"Ops\"",
            "- resource user:7 \"Ann\"",
            "~ resource user:9 profile: email, role, status",
            "~ resource user:11 display_name: \"Dee\" -> \"Dée\"",
            "+ resource user:42 \"Zoë\"",
            "+ entitlement team:2:member \"Ops member\"",
            "- grant team:1:member:user:7",
            "+ grant team:1:member:user:9",
            "+ grant team:2:member:user:42",
        ])
        #expect(diff.changes(.resource, .changed).map(\.profileKeys) == [["email", "role", "status"], []])
        #expect(diff.changes(.resource, .changed).map(\.fields) == [[], ["display_name"]])
        #expect(diff.changes(.grant, .removed).map(\.id) == ["team:1:member:user:7"])
        #expect(diff.changes(.entitlement, .removed).isEmpty)
        #expect(diff.summaryLine
                == "resources: 2 added, 1 removed, 2 changed; entitlements: 1 added, 0 removed; grants: 2 added, 1 removed")
        #expect(!diff.isEmpty)
    }

    @Test func reversedDiffSwapsAddedAndRemoved() {
        let forward = SnapshotDiff(old: Self.old, new: Self.new)
        let backward = SnapshotDiff(old: Self.new, new: Self.old)
        #expect(backward.changes(.resource, .added).map(\.id) == forward.changes(.resource, .removed).map(\.id))
        #expect(backward.changes(.grant, .removed).map(\.id) == forward.changes(.grant, .added).map(\.id))
    }

    @Test func equalSnapshotsHaveNoChangesWhateverTheSyncTime() {
        var later = Self.old
        later.syncedAt = Date()
        let diff = SnapshotDiff(old: Self.old, new: later)
        #expect(diff.isEmpty)
        #expect(diff.lines.isEmpty)
        #expect(diff.summaryLine == "no differences")
    }

    @Test func parentResourceTypeAndEntitlementChangesAreReported() {
        var new = Self.old
        new.resources[0].parent = ResourceReference(type: "account", id: "1")
        new.resourceTypes[0].displayName = "Person"
        new.entitlements[0].purpose = .permission
        let lines = SnapshotDiff(old: Self.old, new: new).lines
        #expect(lines == ["~ resource_type team display_name: \"Team\" -> \"Person\"",
                          "~ resource team:1 parent",
                          "~ entitlement team:1:member purpose"])
    }

    @Test func worksAcrossFormats() async throws {
        try await withTemporaryDirectory { directory in
            let oldPath = directory.appendingPathComponent("old.db").path
            let newPath = directory.appendingPathComponent("new.json").path
            try SnapshotFixture.write(.sqlite, to: oldPath)
            try SnapshotFixture.write(.json, to: newPath, records: SnapshotFixture.records.filter {
                if case .grant(let grant) = $0 { return grant.principal.id != "42" }
                return true
            })
            let diff = SnapshotDiff(old: try SnapshotReader.read(oldPath), new: try SnapshotReader.read(newPath))
            #expect(diff.lines == ["- grant team:7:member:user:42"])
        }
    }
}
