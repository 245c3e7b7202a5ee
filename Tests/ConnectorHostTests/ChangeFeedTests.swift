import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `ChangeFeed` on hand-made snapshots whose differences are known.
@Suite struct ChangeFeedTests {
    static let types = [ResourceType(id: "user", displayName: "User", traits: [.user]),
                        ResourceType(id: "team", displayName: "Team", traits: [.group])]
    static let core = Resource(type: "team", id: "1", displayName: "Core")
    static let ops = Resource(type: "team", id: "2", displayName: "Ops")
    static let coreMember = Entitlement(resource: core.reference, slug: "member", displayName: "Core Member")
    static let opsMember = Entitlement(resource: ops.reference, slug: "member", displayName: "Ops Member")

    static func user(_ id: String, _ name: String, _ profile: [String: String] = [:], parent: Resource? = nil) -> Resource {
        Resource(type: "user", id: id, displayName: name, parent: parent?.reference, profile: profile)
    }

    static func grant(_ entitlement: Entitlement, _ userID: String) -> Grant {
        Grant(entitlement: entitlement, principal: .init(type: "user", id: userID))
    }

    static let old = Snapshot(
        connector: "aha", resourceTypes: types,
        resources: [core, ops, user("7", "Ann", ["status": "enabled"]),
                    user("9", "Bo", ["email": "bo@x", "status": "enabled"]),
                    user("10", "Cy"), user("11", "Dee")],
        entitlements: [coreMember, opsMember],
        grants: [grant(coreMember, "7"), grant(coreMember, "9"), grant(opsMember, "10")])

    static let new = Snapshot(
        connector: "aha", resourceTypes: types,
        resources: [core, ops, user("9", "Bo", ["email": "bo@y", "status": "disabled", "login": "bo"]),
                    user("10", "Cy", parent: core), user("11", "Dée"), user("42", "Zoë <script>")],
        entitlements: [coreMember, opsMember],
        grants: [grant(coreMember, "9"), grant(coreMember, "10"), grant(opsMember, "42")])

    @Test func listsEachKnownChangeWithItsDetails() {
        let feed = ChangeFeed(old: Self.old, new: Self.new)
        typealias F = ChangeFeed.FieldChange
        let user = { (id: String) in ResourceReference(type: "user", id: id) }
        #expect(feed.changes == [
            .init(kind: .resourceRemoved, resourceType: "user", resourceID: "7", displayName: "Ann"),
            .init(kind: .resourceChanged, resourceType: "user", resourceID: "9", displayName: "Bo",
                  fields: [F(field: "profile.email", before: "bo@x", after: "bo@y"),
                           F(field: "profile.login", before: nil, after: "bo"),
                           F(field: "profile.status", before: "enabled", after: "disabled")]),
            .init(kind: .resourceChanged, resourceType: "user", resourceID: "10", displayName: "Cy",
                  fields: [F(field: "parent", before: nil, after: "team:1")]),
            .init(kind: .resourceChanged, resourceType: "user", resourceID: "11", displayName: "Dée",
                  fields: [F(field: "display_name", before: "Dee", after: "Dée")]),
            .init(kind: .resourceAdded, resourceType: "user", resourceID: "42", displayName: "Zoë <script>"),
            .init(kind: .grantAdded, resourceType: "team", resourceID: "1", displayName: "Core",
                  principal: user("10"), principalName: "Cy", entitlement: "team:1:member"),
            .init(kind: .grantRemoved, resourceType: "team", resourceID: "1", displayName: "Core",
                  principal: user("7"), principalName: "Ann", entitlement: "team:1:member"),
            .init(kind: .grantRemoved, resourceType: "team", resourceID: "2", displayName: "Ops",
                  principal: user("10"), principalName: "Cy", entitlement: "team:2:member"),
            .init(kind: .grantAdded, resourceType: "team", resourceID: "2", displayName: "Ops",
                  principal: user("42"), principalName: "Zoë <script>", entitlement: "team:2:member"),
        ])
        #expect(feed.counts == [.resourceAdded: 1, .resourceRemoved: 1, .resourceChanged: 3, .grantAdded: 2, .grantRemoved: 2])
    }

    @Test func encodesStampedNDJSONLinesWithSortedKeys() throws {
        let feed = ChangeFeed(old: Self.old, new: Self.new)
        let data = try feed.ndjson(instance: "acme", syncID: "s-2", time: Date(timeIntervalSince1970: 1_800_000_000))
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == feed.changes.count + 1 && lines.last == "")
        #expect(lines[0] == #"{"display_name":"Ann","fields":[],"instance":"acme","kind":"resource_removed","resource_id":"7","resource_type":"user","sync_id":"s-2","time":"2027-01-15T08:00:00Z"}"#)
        #expect(lines[1] == #"{"display_name":"Bo","fields":[{"after":"bo@y","before":"bo@x","field":"profile.email"},{"after":"bo","before":null,"field":"profile.login"},{"after":"disabled","before":"enabled","field":"profile.status"}],"instance":"acme","kind":"resource_changed","resource_id":"9","resource_type":"user","sync_id":"s-2","time":"2027-01-15T08:00:00Z"}"#)
        #expect(lines[5] == #"{"display_name":"Core","entitlement":"team:1:member","fields":[],"instance":"acme","kind":"grant_added","principal":{"id":"10","type":"user"},"principal_name":"Cy","resource_id":"1","resource_type":"team","sync_id":"s-2","time":"2027-01-15T08:00:00Z"}"#)
        // Each line decodes back to the change it came from.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for (line, change) in zip(lines, feed.changes) {
            var decoded = try decoder.decode(ChangeFeed.Change.self, from: Data(line.utf8))
            #expect(decoded.instance == "acme" && decoded.syncID == "s-2")
            decoded.instance = nil
            decoded.syncID = nil
            decoded.time = nil
            #expect(decoded == change)
        }
    }

    @Test func equalSnapshotsGiveNoChangesAndNoLines() throws {
        let feed = ChangeFeed(old: Self.new, new: Self.new)
        #expect(feed.changes.isEmpty)
        #expect(try feed.ndjson(instance: "acme", syncID: "s", time: Date()).isEmpty)
        #expect(feed.counts.values.allSatisfy { $0 == 0 } && feed.counts.count == ChangeFeed.Kind.allCases.count)
    }

    /// A team removed with its members: the team, its entitlement's grants (named from the
    /// old snapshot) and nothing about the entitlement itself.
    @Test func aRemovedTeamTakesItsGrantsWithIt() {
        let without = Snapshot(connector: "aha", resourceTypes: Self.types,
                               resources: Self.old.resources.filter { $0 != Self.ops },
                               entitlements: [Self.coreMember], grants: Self.old.grants.filter { $0.entitlement != Self.opsMember.id })
        let feed = ChangeFeed(old: Self.old, new: without)
        #expect(feed.changes.map(\.kind) == [.resourceRemoved, .grantRemoved])
        #expect(feed.changes.last?.displayName == "Ops")
        #expect(feed.changes.last?.principalName == "Cy")
    }

    /// A grant whose entitlement no snapshot declares still names its resource from the id.
    @Test func aGrantOfAnUndeclaredEntitlementNamesTheResourceFromItsID() {
        let old = Snapshot(connector: "x", resources: [Self.user("1", "A")])
        let new = Snapshot(connector: "x", resources: [Self.user("1", "A")],
                           grants: [Grant(entitlementID: "account:ab:cd:admin", principal: .init(type: "user", id: "1"))])
        let change = ChangeFeed(old: old, new: new).changes
        #expect(change == [.init(kind: .grantAdded, resourceType: "account", resourceID: "ab:cd", displayName: "",
                                 principal: .init(type: "user", id: "1"), principalName: "A", entitlement: "account:ab:cd:admin")])
    }
}
