@testable import ConnectorHost
import ConnectorKit
import Testing

/// `RecordChecker`: the one set of record rules, and the sync engine and `check-plugin`
/// naming a plugin's bug in the same words.
struct RecordCheckerTests {
    typealias Sample = ConformanceCheckTests.Sample

    @Test func principalsListedLaterAreResolvedAndTheRestReported() {
        let checker = RecordChecker()
        let team = Resource(type: "team", id: "t1", displayName: "T")
        checker.startListing("team")
        #expect(checker.resource(team, listedBy: "team").isEmpty)
        let member = Entitlement(resource: team.reference, slug: "member", displayName: "member")
        #expect(checker.entitlement(member, of: team.reference).isEmpty)
        for user in ["1", "2", "ghost"] {
            #expect(checker.grant(Grant(entitlement: member, principal: .init(type: "user", id: user)), of: team.reference).isEmpty)
        }
        checker.startListing("user")
        for user in ["1", "2"] {
            #expect(checker.resource(Resource(type: "user", id: user, displayName: user), listedBy: "user").isEmpty)
        }
        #expect(checker.unlistedPrincipals().map(\.message) == ["grant team:t1:member:user:ghost names principal user:ghost, which no syncer lists"])
        #expect(checker.unlistedPrincipalsWarning() == "1 grant principals were never listed as resources (e.g. user:ghost)")
    }

    @Test func eachProblemNamesItsRule() {
        let checker = RecordChecker()
        let type = ResourceType(id: "user", displayName: "User", traits: [.user])
        #expect(checker.syncer(type) == nil)
        #expect(checker.syncer(type) == RecordProblem(.syncers, "two syncers for resource type 'user'"))
        checker.startListing("user")
        #expect(checker.resource(Resource(type: "team", id: "", displayName: "?"), listedBy: "user")
            == [RecordProblem(.ids, "a user resource has an empty id"), RecordProblem(.ids, "resource team: was listed by the user syncer")])
        let user = Resource(type: "user", id: "1", displayName: "One")
        #expect(checker.resource(user, listedBy: "user").isEmpty)
        #expect(checker.resource(user, listedBy: "user") == [RecordProblem(.ids, "duplicate user id '1'")])
        // A second syncer of the type lists its ids afresh: the syncers rule reports it once.
        checker.startListing("user")
        #expect(checker.resource(user, listedBy: "user").isEmpty)

        var empty = Grant(entitlementID: "user:1:admin", principal: user.reference)
        empty.id = ""
        #expect(checker.grant(empty, of: user.reference) == [
            RecordProblem(.ids, "a grant of user:1 has an empty id"),
            RecordProblem(.grants, "grant  names entitlement user:1:admin, which user:1 does not offer"),
        ])
    }

    /// The same plugin bug, as `sync` stops at it and as `check-plugin` reports it.
    @Test(arguments: [
        ("ids", { (sample: inout Sample) in sample.users.ids = { String($0 % 3) } }),
        ("entitlements", { (sample: inout Sample) in sample.teams.entitlementOwner = ResourceReference(type: "team", id: "x") }),
        ("grants", { (sample: inout Sample) in sample.teams.grantedSlug = "owner" }),
    ] as [(String, @Sendable (inout Sample) -> Void)])
    func syncAndCheckPluginNameABugAlike(rule: String, breaking: @Sendable (inout Sample) -> Void) async throws {
        var sample = Sample()
        breaking(&sample)
        let plugin = LoadedPlugin(path: "/in/process/libSampleConnector.so", connector: sample)
        let report = try await ConformanceCheck(plugin: plugin).run(.selfTest)
        let detail = try #require(report.failures.first { $0.rule.rawValue == rule }?.detail)
        let first = String(detail.split(separator: ";").first ?? "")

        let context = ConnectorContext()
        let session = try sample.makeSession(config: ConnectorConfiguration(["api-key": "k"]), context: context)
        await #expect(throws: HostError.failed("sample: \(first) (plugin bug)")) {
            _ = try await SyncEngine(metadata: sample.metadata, session: session, context: context).run(into: InMemorySnapshotSink())
        }
    }
}
