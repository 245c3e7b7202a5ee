import ConnectorHost
import ConnectorKit
import Testing

/// `ConformanceCheck` on connectors built in this process: every rule, one at a time,
/// without dlopen or a network.
struct ConformanceCheckTests {
    /// A configurable in-process plugin: each knob breaks one rule.
    struct Sample: SelfTestingConnector {
        var name = "sample"
        var version = "1.0.0"
        var fields = [ConfigField(name: "api-key", env: "SAMPLE_API_KEY", secret: true, required: true, help: "a key")]
        var declared = [Users.type, Teams.type]
        var users = Users()
        var teams = Teams()
        var extraSyncers: [any ResourceSyncer] = []
        var rejects = false

        var metadata: ConnectorMetadata {
            ConnectorMetadata(name: name, version: version, summary: "in-process sample",
                              resourceTypes: declared, configFields: fields)
        }
        func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
            if rejects { throw ConnectorError.invalidConfiguration(field: "api-key", message: "is not a key") }
            var users = self.users
            users.key = config["api-key"] ?? ""
            return Session(syncers: [users, teams] + extraSyncers)
        }
        func makeSelfTestSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
            try makeSession(config: config, context: context)
        }
    }

    struct Session: ConnectorSession {
        var syncers: [any ResourceSyncer]
        func validate() async throws -> String { "ok" }
    }

    /// `count` users, `perPage` a page; `token` decides the next token of page `n`.
    struct Users: ResourceSyncer {
        static let type = ResourceType(id: "user", displayName: "User", traits: [.user])
        var count = 5
        var perPage = 2
        var token: @Sendable (Int, Int) -> PageToken? = { page, pages in page < pages ? .page(page + 1) : nil }
        var ids: @Sendable (Int) -> String = { String($0) }
        var leak = false
        var key = ""
        /// Pages after the first list different resources each time (a token that is not stable).
        var unstable = false
        var resourceType: ResourceType { Self.type }

        func list(_ request: ListRequest) async throws -> Page<Resource> {
            let page = Int(request.page?.rawValue ?? "1") ?? 1
            let pages = (count + perPage - 1) / perPage
            let range = min(count, (page - 1) * perPage)..<min(count, page * perPage)
            let items = range.map { index in
                Resource(type: "user", id: unstable && page > 1 ? "\(ids(index))-\(UInt32.random(in: 0...UInt32.max))" : ids(index),
                         displayName: "User \(index)",
                         profile: leak ? ["note": "key=\(key)"] : [:])
            }
            return Page(items, next: token(page, pages))
        }
    }

    struct Teams: ResourceSyncer {
        static let type = ResourceType(id: "team", displayName: "Team", traits: [.group])
        var members = ["0", "1"]
        var entitlementOwner: ResourceReference?
        var grantedSlug = "member"
        var fails = false
        var resourceType: ResourceType { Self.type }

        func list(_ request: ListRequest) async throws -> Page<Resource> {
            if fails { throw ConnectorError.requestFailed(endpoint: "GET /teams", status: 503, message: "down") }
            return Page([Resource(type: "team", id: "t1", displayName: "Team 1")])
        }
        func entitlements(_ request: EntitlementsRequest) async throws -> Page<Entitlement> {
            Page([Entitlement(resource: entitlementOwner ?? request.resource.reference, slug: "member", displayName: "member")])
        }
        func grants(_ request: GrantsRequest) async throws -> Page<Grant> {
            let id = Entitlement.id(resource: request.resource.reference, slug: grantedSlug)
            return Page(members.map { Grant(entitlementID: id, principal: ResourceReference(type: "user", id: $0)) })
        }
    }

    func check(_ sample: Sample, _ source: ConformanceCheck.DataSource = .selfTest,
               maxPages: Int = 100, reserved: Set<String> = []) async throws -> ConformanceReport {
        var check = ConformanceCheck(plugin: LoadedPlugin(path: "/in/process/libSampleConnector.so", connector: sample))
        check.maxPages = maxPages
        check.reservedFlags = reserved
        return try await check.run(source)
    }

    /// The one rule that failed and its detail, or nil when all passed.
    func failures(_ report: ConformanceReport) -> [String: String] {
        Dictionary(uniqueKeysWithValues: report.failures.map { ($0.rule.rawValue, $0.detail) })
    }

    @Test func conformantPluginPassesEveryRule() async throws {
        let report = try await check(Sample())
        #expect(report.passed, "\(report.failures)")
        #expect(report.results.map(\.rule) == ConformanceRule.allCases)
        #expect(report.data == "self-test")
        let detail = Dictionary(uniqueKeysWithValues: report.results.map { ($0.rule, $0.detail) })
        #expect(detail[.sync] == "14 listings: 6 resources (user 5, team 1), 1 entitlements, 2 grants")
        #expect(detail[.pageTokens] == "14 listings ended, the longest after 3 pages (bound 100)")
        #expect(detail[.secrets] == "no value of --api-key in any record")
    }

    @Test func everyIncreasingTokenRunsIntoThePageBound() async throws {
        var sample = Sample()
        sample.users.token = { page, _ in .page(page + 1) }
        let report = try await check(sample, maxPages: 40)
        #expect(failures(report) == ["page-tokens": "user list: more than 40 pages (plugin bug?)"])
    }

    @Test func unchangedAndCyclingTokensAreCaught() async throws {
        var unchanged = Sample()
        unchanged.users.token = { _, _ in "2" }
        #expect(failures(try await check(unchanged)) == ["page-tokens": "user list: next page token '2' is unchanged (plugin bug)"])

        var cycling = Sample()
        cycling.users.token = { page, _ in page == 1 ? "2" : page == 2 ? "3" : "2" }
        #expect(failures(try await check(cycling)) == ["page-tokens": "user list: page token '2' repeats the token of page 2 (plugin bug)"])
    }

    @Test func aListingRestartedFromASavedTokenMustRepeatItself() async throws {
        let detail = Dictionary(uniqueKeysWithValues: try await check(Sample()).results.map { ($0.rule, $0.detail) })
        #expect(detail[.resumableTokens] == "user restarted from a saved page-2 token, twice alike")
        var sample = Sample()
        sample.users.unstable = true
        #expect(failures(try await check(sample))
                == ["resume-tokens": "user list: two listings from the saved token '2' returned different resources"])
    }

    @Test func syncersMustMatchTheDeclaredTypes() async throws {
        var sample = Sample()
        sample.declared = [Users.type, ResourceType(id: "role", displayName: "Role", traits: [.role])]
        sample.extraSyncers = [Users()]
        let report = try await check(sample)
        #expect(failures(report) == ["syncers": "a syncer for undeclared resource type 'team'; two syncers for resource type 'user'; "
                                                + "declared resource type 'role' has no syncer"])
    }

    @Test func idsEntitlementsAndGrantsAreCheckedEach() async throws {
        var sample = Sample()
        sample.users.ids = { $0 == 3 ? "" : String($0 % 3) }
        sample.teams.entitlementOwner = ResourceReference(type: "team", id: "elsewhere")
        sample.teams.members = ["0", "9"]
        let report = try await check(sample)
        let failed = failures(report)
        #expect(failed["ids"] == "a user resource has an empty id; duplicate user id '1'")
        #expect(failed["entitlements"] == "entitlement team:elsewhere:member returned for team:t1 belongs to team:elsewhere")
        #expect(failed["grants"] == "grant team:t1:member:user:0 names entitlement team:t1:member, which team:t1 does not offer; "
                + "grant team:t1:member:user:9 names entitlement team:t1:member, which team:t1 does not offer; "
                + "grant team:t1:member:user:9 names principal user:9, which no syncer lists")
        #expect(failed.count == 3)
    }

    @Test func aSecretInARecordFailsWithoutShowingIt() async throws {
        var sample = Sample()
        sample.users.leak = true
        let key = "live-key-0451"
        let report = try await check(sample, .live(ConnectorConfiguration(["api-key": key])))
        #expect(report.data == "live")
        #expect(failures(report) == ["secrets": (0..<3).map { "resource user:\($0) holds the value of secret field 'api-key' in profile.note" }
                                                .joined(separator: "; ") + " (and 2 more)"])
        #expect(!report.results.contains { $0.detail.contains(key) })
    }

    @Test func aThrowingSyncerFailsSyncAndSkipsTheDataRules() async throws {
        var sample = Sample()
        sample.teams.fails = true
        let report = try await check(sample)
        #expect(failures(report) == ["sync": "GET /teams: HTTP 503: down"])
        let skipped = report.results.filter { $0.status == .skip }.map(\.rule)
        #expect(skipped == [.ids, .entitlements, .grants, .pageTokens, .secrets, .resumableTokens])
    }

    @Test func aRejectedLiveConfigurationIsTheUsersErrorNotTheChecks() async throws {
        var sample = Sample()
        sample.rejects = true
        await #expect(throws: ConnectorError.invalidConfiguration(field: "api-key", message: "is not a key")) {
            _ = try await check(sample, .live(ConnectorConfiguration(["api-key": "k"])))
        }
        // Its own self-test configuration rejected is the plugin's fault: a failed rule.
        let report = try await check(sample)
        #expect(failures(report) == ["session": "its own self-test configuration is rejected: --api-key is not a key"])
        #expect(report.results.filter { $0.status == .skip }.count == 8)
    }

    @Test func selfDescriptionRules() async throws {
        var sample = Sample()
        sample.name = "Sample"
        sample.version = ""
        sample.declared += [ResourceType(id: "a:b", displayName: "", traits: [])]
        sample.fields = [
            ConfigField(name: "output", env: "SAMPLE_OUTPUT", help: "shadows the host"),
            ConfigField(name: "Base_URL", env: "sample-url", help: ""),
            ConfigField(name: "token", env: "SAMPLE_TOKEN", secret: true, help: "a token", defaultValue: "t0ken"),
        ]
        let failed = failures(try await check(sample, reserved: ["output", "format"]))
        #expect(failed["metadata"] == "name 'Sample' is not lower case (users type it: connhost sync <name>); version is empty")
        #expect(failed["resource-types"] == "resource type id 'a:b' contains ':' or a space (it is part of entitlement and grant ids); "
                + "resource type 'a:b' has no display name")
        #expect(failed["config-fields"] == "config field 'output' shadows the host's own --output; "
                + "config field 'Base_URL' is not a kebab-case name such as base-url; "
                + "config field 'Base_URL' has env name 'sample-url', not UPPER_SNAKE_CASE (and 2 more)")
    }

    @Test func withoutSelfTestDataTheSessionRuleSaysWhatToDo() async throws {
        struct Plain: Connector {
            var metadata: ConnectorMetadata { Sample().metadata }
            func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
                try Sample().makeSession(config: config, context: context)
            }
        }
        let check = ConformanceCheck(plugin: LoadedPlugin(path: "/in/process/libPlainConnector.so", connector: Plain()))
        #expect(!check.offersSelfTest)
        let report = try await check.run(.selfTest)
        #expect(failures(report) == ["session": "offers no self-test data (SelfTestingConnector); give its configuration instead"])
        #expect(try await check.run(.live(ConnectorConfiguration(["api-key": "k"]))).passed)
    }

    /// The engine shares the page loop and keeps its behaviour and messages.
    @Test func syncEngineStillStopsAnUnchangedToken() async throws {
        var sample = Sample()
        sample.users.token = { _, _ in "2" }
        let context = ConnectorContext()
        let session = try sample.makeSession(config: ConnectorConfiguration(["api-key": "k"]), context: context)
        let sink = InMemorySnapshotSink()
        await #expect(throws: HostError.failed("sample user list: next page token '2' is unchanged (plugin bug)")) {
            _ = try await SyncEngine(metadata: sample.metadata, session: session, context: context).run(into: sink)
        }
        #expect(sink.records.isEmpty)
        let good = try Sample().makeSession(config: ConnectorConfiguration(["api-key": "k"]), context: context)
        _ = try await SyncEngine(metadata: sample.metadata, session: good, context: context).run(into: sink)
        #expect(sink.records.count == 11)   // 2 types, 6 resources, 1 entitlement, 2 grants
    }
}
