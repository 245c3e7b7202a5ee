import ConnectorHost
import ConnectorKit
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--output postgresql://…` against a real PostgreSQL server started for these tests.
@Suite struct PostgreSQLSinkTests {
    /// The records of a snapshot read back, for `GroundTruth.differences(from:)`.
    static func records(_ snapshot: Snapshot) -> [SnapshotRecord] {
        snapshot.resourceTypes.map(SnapshotRecord.resourceType) + snapshot.resources.map(SnapshotRecord.resource)
            + snapshot.entitlements.map(SnapshotRecord.entitlement) + snapshot.grants.map(SnapshotRecord.grant)
    }

    /// Reads `url` off the cooperative pool (libpq calls block).
    static func read(_ url: String, syncID: String? = nil) async throws -> Snapshot {
        try await onThread { try SnapshotReader.read(url, syncID: syncID) }
    }

    @Test func syncEqualsGroundTruthAndDiffsEqualToTheSameSyncAsJSON() async throws {
        let database = try await PostgreSQLServer.database()
        let tenant = try await FakeTenant("aha", ["--users", "450", "--teams", "12", "--virtual-users", "40", "--seed", "7"])
        let result = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", database.url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("-> postgresql://[REDACTED]@127.0.0.1:"), "\(result.stdout)")
        #expect(!result.output.contains(database.server.password))

        let truth = try tenant.truth()
        let snapshot = try await Self.read(database.url)
        #expect(snapshot.connector == "aha")
        #expect(truth.differences(from: Self.records(snapshot)) == [])
        #expect(snapshot.resources.count == 462)

        let work = try TemporaryDirectory()
        let json = work.file("same.json")
        let jsonSync = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", json])
        #expect(jsonSync.status == 0, "\(jsonSync.stderr)")
        let diff = try await connhost(["diff", database.url, json])
        #expect(diff.status == 0, "\(diff.output)")
        #expect(diff.stdout.contains("no differences"), "\(diff.stdout)")
        #expect(!diff.output.contains(database.server.password))
        let show = try await connhost(["show", database.url, "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(try jsonObject(show.stdout)["resource_types"] as? [String: Int] == ["user": 450, "team": 12])

        // The run is recorded, and the password works from PGPASSWORD too.
        let runs = try await database.column("SELECT connector || ' ' || status || ' ' || grants FROM sync_runs")
        #expect(runs == ["aha succeeded \(truth.grants.count)"])
        let viaEnvironment = try await connhost(["show", database.urlWithoutPassword + "?sync=1"],
                                                environment: ["PGPASSWORD": database.server.password])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(viaEnvironment.stdout.contains("format        postgresql"), "\(viaEnvironment.stdout)")
        #expect(!viaEnvironment.output.contains(database.server.password))

        // ?connector= records a second tenant of the same plugin under its own name.
        let other = try await FakeTenant("aha", ["--users", "20", "--teams", "2", "--seed", "8"])
        let named = try await connhost(["sync", "aha", "--base-url", other.url, "--api-key", other.apiKey,
                                        "--output", database.url + "?connector=acme"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try await database.column("SELECT connector || ' ' || sync_id FROM latest_syncs ORDER BY 1") == ["acme 2", "aha 1"])
        let acme = try await Self.read(database.url + "?connector=acme")
        #expect(acme.connector == "acme")
        #expect(try other.truth().differences(from: Self.records(acme)) == [])
        #expect(try await Self.read(database.url + "?connector=aha").resources.count == 462)
    }

    @Test func awkwardTextRoundTripsThroughCopyAndAnAbortedSyncLeavesNoRows() async throws {
        let database = try await PostgreSQLServer.database()
        let awkward = "tab\there, new\nline, back\\slash \\N \\. \r\"quoted\" ünï 🚀 'single'"
        let user = Resource(type: "user", id: "u\t1", displayName: awkward, parent: nil,
                            profile: ["email": "a\\b@example.com", "note": awkward, "empty": ""])
        let team = Resource(type: "team", id: "7", displayName: "Team \\N", parent: ResourceReference(type: "user", id: "u\t1"), profile: [:])
        let entitlement = Entitlement(resource: ResourceReference(type: "team", id: "7"), slug: "member",
                                      displayName: awkward, purpose: .assignment)
        let grant = Grant(entitlementID: entitlement.id, principal: ResourceReference(type: "user", id: "u\t1"))
        let records: [SnapshotRecord] = [
            .resourceType(ResourceType(id: "user", displayName: "User", traits: [.user])),
            .resourceType(ResourceType(id: "team", displayName: "Team\nTwo", traits: [.group])),
            .resource(user), .resource(team), .entitlement(entitlement), .grant(grant),
        ]
        let url = try PostgreSQLURL(database.url)
        try await onThread {
            let sink = PostgreSQLSnapshotSink(url: url)
            try sink.begin(connector: "fixture", pluginVersion: "1.0")
            for record in records { try sink.write(record) }
            try sink.commit(SyncSummary(connector: "fixture", pluginVersion: "1.0"))

            // A second sync that is aborted half-way leaves the first one the latest.
            let aborted = PostgreSQLSnapshotSink(url: url)
            try aborted.begin(connector: "fixture", pluginVersion: "2.0")
            for record in records.prefix(3) { try aborted.write(record) }
            aborted.abort()
        }
        let expected = Snapshot(connector: "fixture",
                                resourceTypes: [ResourceType(id: "user", displayName: "User", traits: [.user]),
                                                ResourceType(id: "team", displayName: "Team\nTwo", traits: [.group])],
                                resources: [user, team], entitlements: [entitlement], grants: [grant])
        var snapshot = try await Self.read(database.url)
        snapshot.syncedAt = nil
        #expect(snapshot == expected)
        #expect(try await database.column("SELECT status FROM sync_runs ORDER BY sync_id") == ["succeeded", "failed"])
        #expect(try await database.column("SELECT count(*) FROM resources") == ["2"])
        #expect(try await database.column("SELECT sync_id FROM latest_syncs") == ["1"])
        // A sync that did not succeed has no snapshot to read.
        await #expect(throws: HostError.self) { try await Self.read(database.url + "?sync=2") }
    }

    @Test func migrationsAreIdempotentWhenManySyncsStartAtOnce() async throws {
        let database = try await PostgreSQLServer.database()
        let url = try PostgreSQLURL(database.url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try await onThread {
                        let sink = PostgreSQLSnapshotSink(url: url)
                        try sink.begin(connector: "c\(index)", pluginVersion: "1")
                        try sink.write(.resourceType(ResourceType(id: "user", displayName: "User", traits: [.user])))
                        try sink.commit(SyncSummary(connector: "c\(index)", pluginVersion: "1"))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await database.column("SELECT version FROM connhost_schema") == ["1"])
        #expect(try await database.column("SELECT count(*) FROM latest_syncs") == ["6"])
    }

    @Test func twoSyncsAtOnceNeverMix() async throws {
        let database = try await PostgreSQLServer.database()
        // Every request waits 50 ms, so the two syncs overlap for most of their run.
        let aha = try await FakeTenant("aha", ["--users", "1200", "--teams", "30", "--seed", "3", "--stall-ms", "50", "--stall-rate", "1"])
        let codefresh = try await FakeTenant("codefresh", ["--users", "900", "--seed", "4", "--stall-ms", "50", "--stall-rate", "1"])
        let first = try await connhost(["sync", "aha", "--base-url", aha.url, "--api-key", aha.apiKey, "--output", database.url])
        #expect(first.status == 0, "\(first.stderr)")

        let ahaSync = try ChildProcess(Products.connhost, ["sync", "aha", "--base-url", aha.url, "--api-key", aha.apiKey,
                                                           "--concurrency", "1", "--output", database.url])
        let codefreshSync = try ChildProcess(Products.connhost, ["sync", "codefresh", "--base-url", codefresh.url,
                                                                 "--api-key", codefresh.apiKey, "--output", database.url])
        async let ahaResult = ahaSync.finish()
        async let codefreshResult = codefreshSync.finish()
        let (ahaDone, codefreshDone) = await (ahaResult, codefreshResult)
        #expect(ahaDone.status == 0, "\(ahaDone.stderr)")
        #expect(codefreshDone.status == 0, "\(codefreshDone.stderr)")

        #expect(try await database.column("SELECT connector FROM latest_syncs ORDER BY connector") == ["aha", "codefresh"])
        #expect(try await database.column("SELECT sync_id FROM latest_syncs WHERE connector = 'aha'") != ["1"])
        // They did run at once: each started before the other finished.
        #expect(try await database.column("""
            SELECT count(*) FROM sync_runs a JOIN sync_runs b ON a.sync_id = 2 AND b.sync_id = 3
            WHERE a.started_at < b.finished_at AND b.started_at < a.finished_at
            """) == ["1"])
        // Each sync holds exactly its own connector's resources.
        let types = try await database.column("""
            SELECT r.connector || ' ' || string_agg(DISTINCT s.type, ',' ORDER BY s.type) || ' ' || count(*)
            FROM resources s JOIN sync_runs r USING (sync_id) GROUP BY r.sync_id, r.connector ORDER BY r.sync_id
            """)
        #expect(types.count == 3)
        #expect(types.filter { $0.hasPrefix("aha team,user 1230") }.count == 2, "\(types)")
        #expect(types.filter { $0.hasPrefix("codefresh account,user ") }.count == 1, "\(types)")
        let ahaLatest = try await Self.read(database.url + "?connector=aha")
        #expect(try aha.truth().differences(from: Self.records(ahaLatest)) == [])
        let codefreshLatest = try await Self.read(database.url + "?connector=codefresh")
        #expect(try codefresh.truth().differences(from: Self.records(codefreshLatest)) == [])
    }

    @Test func killedSyncLeavesNoRowsAndThePreviousSyncStaysLatest() async throws {
        let database = try await PostgreSQLServer.database()
        let work = try TemporaryDirectory()
        let tenant = try await FakeTenant("aha", ["--users", "600", "--teams", "10", "--seed", "5"])
        let previous = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", database.url])
        #expect(previous.status == 0, "\(previous.stderr)")
        let json = work.file("previous.json")
        #expect(try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", json]).status == 0)

        // Every request of this tenant stalls for a minute: the sync has opened its
        // transaction, written its run row and started its first COPY, then waits.
        let stalled = try await FakeTenant("aha", ["--users", "3000", "--teams", "10", "--seed", "6", "--stall-ms", "60000", "--stall-rate", "1"])
        let child = try ChildProcess(Products.connhost, ["sync", "aha", "--base-url", stalled.url, "--api-key", stalled.apiKey,
                                                         "--output", database.url])
        var writing = false
        for _ in 0..<300 where !writing {  // at most 30 s
            let open = try await database.column("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'connhost' AND backend_xid IS NOT NULL
                  AND (query LIKE 'COPY%' OR (state = 'idle in transaction' AND query LIKE 'INSERT INTO sync_runs%'))
                """)
            writing = open == ["1"]
            if !writing { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(writing, "the sync never opened its transaction")
        child.send(SIGKILL)
        let killed = await child.finish()
        #expect(killed.signaled && killed.status == SIGKILL)

        // The server notices the dropped connection and rolls back.
        var gone = false
        for _ in 0..<300 where !gone {  // at most 30 s
            gone = try await database.column("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'connhost'") == ["0"]
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone)
        #expect(try await database.column("SELECT sync_id || ' ' || status FROM sync_runs") == ["1 succeeded"])
        #expect(try await database.column("SELECT count(*) FROM resources WHERE sync_id <> 1") == ["0"])
        #expect(try await database.column("SELECT sync_id FROM latest_syncs") == ["1"])
        let diff = try await connhost(["diff", database.url, json])
        #expect(diff.status == 0, "\(diff.output)")
    }

    /// Wrong password, a server that is not there, a database that does not exist: exit 1,
    /// one line, and the password nowhere.
    @Test(arguments: ["wrong password", "server down", "database missing"])
    func connectionFailuresAreOneLineWithoutThePassword(_ failure: String) async throws {
        let database = try await PostgreSQLServer.database()
        let tenant = try await FakeTenant("aha", ["--users", "5", "--teams", "2"])
        let secret = "Sekr3t-\(UUID().uuidString.prefix(8))"
        let port = database.server.port
        let (url, reason): (String, String)
        switch failure {
        case "wrong password": (url, reason) = ("postgresql://postgres:\(secret)@127.0.0.1:\(port)/\(database.name)", "password authentication failed")
        case "server down": (url, reason) = ("postgresql://postgres:\(secret)@127.0.0.1:\(try LoopbackHTTP.freePort())/x", "Connection refused")
        default: (url, reason) = ("postgresql://postgres:\(database.server.password)@127.0.0.1:\(port)/missing_db", "database \"missing_db\" does not exist")
        }
        let password = failure == "database missing" ? database.server.password : secret
        for arguments in [["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", url],
                          ["show", url]] {
            let result = try await connhost(arguments)
            #expect(result.status == 1, "\(arguments[0]): \(result.output)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
            #expect(result.stderr.contains("[REDACTED]"), "\(result.stderr)")
            #expect(!result.output.contains(password))
        }
        // The same password from PGPASSWORD is not printed either.
        let viaEnvironment = try await connhost(["show", url.replacingOccurrences(of: ":\(password)@", with: "@")],
                                                environment: ["PGPASSWORD": password])
        #expect(viaEnvironment.status == 1)
        #expect(!viaEnvironment.output.contains(password), "\(viaEnvironment.output)")
        #expect(try await database.column("SELECT count(*) FROM pg_tables WHERE tablename = 'sync_runs'") == ["0"])
    }

    @Test func urlParsing() throws {
        let url = try PostgreSQLURL("postgres://me:p%40ss@db.example:5433/snap?sslmode=require&sync=42&connector=aha")
        #expect(url.password == "p@ss")
        #expect(url.syncID == "42")
        #expect(url.connector == "aha")
        #expect(url.connectionString == "postgres://me:p%40ss@db.example:5433/snap?sslmode=require")
        #expect(url.description == "postgres://[REDACTED]@db.example:5433/snap?sslmode=[REDACTED]")
        #expect(url.redact("auth failed for p@ss and p%40ss") == "auth failed for [REDACTED] and [REDACTED]")
        #expect(PostgreSQLURL.displayed("postgresql://u:pw@h/d?sync=x") == "postgresql://[REDACTED]@h/d?sync=[REDACTED]")
        let inQuery = try PostgreSQLURL("postgresql://u@h/d?password=s3cr3t-pw&connect_timeout=3")
        #expect(inQuery.password == "s3cr3t-pw")
        #expect(inQuery.redact("libpq said s3cr3t-pw") == "libpq said [REDACTED]")
        #expect(!inQuery.description.contains("s3cr3t-pw"))
        #expect(PostgreSQLURL.displayed("snap.db") == "snap.db")
        #expect(throws: HostError.self) { try PostgreSQLURL("postgresql://u:pw@h/d?sync=pw") }
        #expect(try PostgreSQLURL("postgresql://h1:5432,h2:5432/d").password == nil)
    }
}

