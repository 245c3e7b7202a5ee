import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `POST /_fake/mutate`: a tenant changed between two syncs serves the new data, its truth
/// says so, and the change feed between the two syncs lists exactly what was changed.
@Suite struct FakeSaaSMutationTests {
    /// Syncs the tenant into `name` (JSON) and reads the snapshot back.
    static func sync(_ plugin: String, _ tenant: FakeTenant, into work: TemporaryDirectory, _ name: String) async throws -> Snapshot {
        let path = work.file(name)
        let result = try await connhost(["sync", plugin, "--base-url", tenant.url, "--api-key", tenant.apiKey,
                                         "--format", "json", "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        return try SnapshotReader.read(path)
    }

    /// A line per change: kind, resource (for a grant its entitlement), principal and
    /// fields, for comparing as sets.
    static func summary(_ change: ChangeFeed.Change) -> String {
        var text = "\(change.kind.rawValue) \(change.entitlement ?? "\(change.resourceType):\(change.resourceID)")"
        if let principal = change.principal { text += " \(principal)" }
        for field in change.fields { text += " \(field.field)=\(field.before ?? "nil")->\(field.after ?? "nil")" }
        return text
    }

    @Test func ahaChangesBetweenSyncsAreExactlyTheMutations() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "40", "--teams", "6", "--virtual-users", "2"])
        let work = try TemporaryDirectory()
        let before = try await Self.sync("aha", tenant, into: work, "before.json")
        let truth0 = try await tenant.currentTruth("truth-0.json")
        #expect(SnapshotDiff(old: truth0, new: before).isEmpty)

        // Pick distinct users: one to remove (who holds grants), one to move between teams,
        // one enabled user to disable.
        let members = Dictionary(grouping: before.grants, by: \.principal.id)
        let removed = try #require(members.keys.sorted().first)
        let moved = try #require(members.keys.sorted().first { $0 != removed })
        let movedFrom = try #require(members[moved]?.first?.entitlement)
        let teams = before.entitlements.map(\.resource.id)
        let fromTeam = try #require(before.entitlements.first { $0.id == movedFrom }?.resource.id)
        let toTeam = try #require(teams.first { team in !(members[moved] ?? []).contains { $0.entitlement == "team:\(team):member" } })
        let disabled = try #require(before.resources(ofType: "user").first {
            $0.profile["status"] == "enabled" && $0.id != removed && $0.id != moved
        }?.id)

        let (status, answer) = try await tenant.mutate([
            ["op": "add_user", "name": "Zoë <script>alert(1)</script>", "email": "zoe@example.com"],
            ["op": "remove_user", "user": removed],
            ["op": "move_member", "user": moved, "from": fromTeam, "to": toTeam],
            ["op": "disable_user", "user": disabled],
        ])
        #expect(status == 200, "\(answer)")
        #expect(answer["applied"] as? Int == 4)
        let addedID = try #require((answer["added_users"] as? [String])?.first)

        let after = try await Self.sync("aha", tenant, into: work, "after.json")
        let truth1 = try await tenant.currentTruth("truth-1.json")
        #expect(SnapshotDiff(old: truth1, new: after).isEmpty)

        let feed = ChangeFeed(old: before, new: after)
        let expected = Set(["resource_added user:\(addedID)", "resource_removed user:\(removed)",
                            "resource_changed user:\(disabled) profile.status=enabled->disabled",
                            "grant_removed team:\(fromTeam):member user:\(moved)", "grant_added team:\(toTeam):member user:\(moved)"]
                           + (members[removed] ?? []).map { "grant_removed \($0.entitlement) user:\(removed)" })
        #expect(Set(feed.changes.map(Self.summary)) == expected)
        #expect(feed.changes.count == expected.count)
        #expect(feed.changes.first { $0.kind == .resourceAdded }?.displayName == "Zoë <script>alert(1)</script>")
        #expect(feed.changes.first { $0.kind == .grantAdded }?.principalName == before.resources.first { $0.id == moved }?.displayName)
    }

    @Test func codefreshChangesBetweenSyncsAreExactlyTheMutations() async throws {
        let tenant = try await FakeTenant("codefresh", ["--users", "16"])
        let work = try TemporaryDirectory()
        let before = try await Self.sync("codefresh", tenant, into: work, "before.json")
        let truth0 = try await tenant.currentTruth("truth-0.json")
        #expect(SnapshotDiff(old: truth0, new: before).isEmpty)

        let account = try #require(before.resources(ofType: "account").first?.id)
        let admins = Set(before.grants.filter { $0.entitlement.hasSuffix(":admin") }.map(\.principal.id))
        let users = before.resources(ofType: "user")
        let promoted = try #require(users.first { $0.profile["roles"] == "User" && !admins.contains($0.id) }?.id)
        let removed = try #require(users.first { $0.id != promoted }?.id)
        let suspended = try #require(users.first { $0.profile["status"] == "active" && ![promoted, removed].contains($0.id) }?.id)

        let (status, answer) = try await tenant.mutate([
            ["op": "set_roles", "user": promoted, "roles": ["Admin"]],
            ["op": "remove_user", "user": removed],
            ["op": "disable_user", "user": suspended],
            ["op": "add_user", "name": "new.person", "email": "new@example.com", "roles": ["User"]],
        ])
        #expect(status == 200, "\(answer)")
        let addedID = try #require((answer["added_users"] as? [String])?.first)

        let after = try await Self.sync("codefresh", tenant, into: work, "after.json")
        let truth1 = try await tenant.currentTruth("truth-1.json")
        #expect(SnapshotDiff(old: truth1, new: after).isEmpty)

        let feed = ChangeFeed(old: before, new: after)
        let removedGrants = before.grants.filter { $0.principal.id == removed }
        #expect(!removedGrants.isEmpty)
        let expected = Set(["resource_changed user:\(promoted) profile.roles=User->Admin",
                            "grant_added account:\(account):admin user:\(promoted)",
                            "grant_removed account:\(account):user user:\(promoted)",
                            "resource_removed user:\(removed)",
                            "resource_changed user:\(suspended) profile.status=active->suspended",
                            "resource_added user:\(addedID)", "grant_added account:\(account):user user:\(addedID)"]
                           + removedGrants.map { "grant_removed \($0.entitlement) user:\(removed)" })
        #expect(Set(feed.changes.map(Self.summary)) == expected)
        #expect(feed.changes.count == expected.count)
    }

    /// A list with one bad mutation changes nothing; wrong methods, bodies and tenants get
    /// one clear error each.
    @Test func aRefusedMutationChangesNothing() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "10", "--teams", "3"])
        let truth = try await tenant.currentTruth("truth-0.json")
        let user = try #require(truth.resources(ofType: "user").first?.id)

        let (status, answer) = try await tenant.mutate([["op": "disable_user", "user": user], ["op": "remove_user", "user": "nobody"]])
        #expect(status == 400)
        #expect(answer["error"] as? String == "no user nobody")
        #expect(try await tenant.currentTruth("truth-1.json") == truth)

        let cases: [([[String: Any]], String)] = [
            ([["op": "explode"]], "mutations[0]: \"op\" must be one of add_user, remove_user, disable_user, enable_user, move_member, add_member, remove_member, set_roles"),
            ([["op": "disable_user"]], "mutations[0]: \"user\" must be a non-empty string"),
            ([["op": "set_roles", "user": user, "roles": ["Admin"]]], "set_roles applies to the codefresh tenant only"),
            ([["op": "add_member", "user": user, "team": "0"]], "no team 0"),
        ]
        for (mutations, message) in cases {
            let (status, answer) = try await tenant.mutate(mutations)
            #expect(status == 400 && answer["error"] as? String == message)
        }
        let (getStatus, _) = try await tenant.get("/_fake/mutate")
        #expect(getStatus == 405)
        #expect(try await tenant.currentTruth("truth-2.json") == truth)
    }
}
