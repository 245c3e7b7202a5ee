import ConnectorHost
import ConnectorKit
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An interrupted file sync continues from its checkpoint: it asks the tenant only for what
/// it had not fetched, and its snapshot equals an uninterrupted one. Serialized: a dozen
/// syncs at once would only load the machine that the timing tests of other suites share.
@Suite(.serialized)
struct ResumeTests {
    /// 400 users and 12 teams, ten per page: 42 requests, at most 20 a second. With
    /// `--hold-after N` the tenant holds every request after the N-th until released, so a
    /// sync is stopped at an exact page however slowly the test itself gets to it.
    static func tenant(holdAfter: Int, seed: Int = 3) -> [String] {
        ["--users", "400", "--teams", "12", "--page-size-max", "10", "--rate-limit", "20/s", "--seed", "\(seed)",
         "--hold-after", "\(holdAfter)"]
    }
    static let pages = 42

    /// Sync flags: one page at a time (no prefetch), so "the page in flight" is one page,
    /// under the tenant's limit so that no request is answered 429.
    static func flags(_ tenant: FakeTenant) -> [String] {
        ["--base-url", tenant.url, "--api-key", tenant.apiKey, "--concurrency", "1", "--rate-limit", "15/s"]
    }

    /// Requests the tenant served (429s excluded).
    static func served(_ tenant: FakeTenant) async throws -> Int {
        let stats = try await tenant.stats()
        return (stats["requests"] as? Int ?? 0) - (stats["rate_limited"] as? Int ?? 0)
    }

    /// Starts `connhost sync aha …`, waits until the tenant holds its request after the
    /// `--hold-after` one, sends `signal`, and then lets the tenant answer again.
    static func interrupt(_ arguments: [String], tenant: FakeTenant, signal: Int32 = SIGKILL) async throws -> ProcessResult {
        let child = try ChildProcess(Products.connhost, ["sync", "aha"] + arguments)
        let held = await eventually(timeout: 60) {
            guard child.isRunning else { return true }
            let (_, body) = (try? await tenant.get("/_fake/hold")) ?? (0, "")
            return body.contains("\"held\":") && !body.contains("\"held\":0")
        }
        #expect(held && child.isRunning, "the sync ended before it could be interrupted: \(child.stderr)")
        child.send(signal)
        let result = await child.finish()
        _ = try await tenant.get("/_fake/release")
        return result
    }

    static func checkpoint(in work: TemporaryDirectory) -> String { work.file(".aha.resume.sqlite") }

    /// The row order of a SQLite table (type and id per row), for "same order".
    static func rowOrder(_ database: String, _ sql: String) async throws -> String {
        try await SQLiteCLI.run(database, sql)
    }

    @Test(arguments: ["sqlite", "json", "c1z"])
    func killedSyncResumesWithOnlyTheRemainingPagesAndTheSameSnapshot(format: String) async throws {
        let tenant = try await FakeTenant("aha", Self.tenant(holdAfter: Self.pages / 2))
        let work = try TemporaryDirectory("resume")
        let full = work.file("full.\(format)"), resumed = work.file("resumed.\(format)")

        var start = try await Self.served(tenant)
        let killed = try await Self.interrupt(["--output", resumed] + Self.flags(tenant), tenant: tenant)
        #expect(killed.signaled)
        let first = try await Self.served(tenant) - start
        #expect(FileManager.default.fileExists(atPath: Self.checkpoint(in: work)))
        #expect(!FileManager.default.fileExists(atPath: resumed))

        let rerun = try await connhost(["sync", "aha", "--output", resumed] + Self.flags(tenant))
        let second = try await Self.served(tenant) - start - first
        #expect(rerun.status == 0, "\(rerun.stderr)")
        start = try await Self.served(tenant)
        let uninterrupted = try await connhost(["sync", "aha", "--output", full] + Self.flags(tenant))
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        let pages = try await Self.served(tenant) - start
        #expect(pages == Self.pages)
        let notice = rerun.stderr.split(separator: "\n").filter { $0.contains("resumed sync ") }
        #expect(notice.count == 1, "\(rerun.stderr)")
        #expect(notice.first?.contains(" page ") == true && notice.first?.contains("records kept)") == true)
        // Beyond the remaining pages: the one in flight at the kill, and the next type's
        // first page, which the first run had asked for early.
        #expect(first >= pages / 2 && first + second <= pages + 2, "full \(pages), first \(first), resumed \(second)")
        #expect(!FileManager.default.fileExists(atPath: Self.checkpoint(in: work)))
        #expect(work.strayTemporaryFiles.isEmpty)

        for other in [full, tenant.directory.file("truth.json")] {
            let diff = try await connhost(["diff", resumed, other])
            #expect(diff.status == 0, "\(other): \(diff.stdout)\(diff.stderr)")
        }
        switch format {
        case "sqlite":
            for table in ["resources", "entitlements", "grants"] {
                let sql = "SELECT group_concat(id, ' ') FROM (SELECT id FROM \(table) ORDER BY rowid)"
                #expect(try await Self.rowOrder(resumed, sql) == Self.rowOrder(full, sql), "\(table) order")
            }
        case "c1z":
            let (a, b) = (try C1ZFile.inflate(resumed), try C1ZFile.inflate(full))
            for table in ["v1_resources", "v1_entitlements", "v1_grants"] {
                let sql = "SELECT group_concat(external_id, ' ') FROM (SELECT external_id FROM \(table) ORDER BY id)"
                #expect(try await Self.rowOrder(a, sql) == Self.rowOrder(b, sql), "\(table) order")
            }
        default:
            let (a, b) = (try GroundTruth.load(path: resumed), try GroundTruth.load(path: full))
            expectEqual(a, b)
        }
    }

    @Test func interruptedDuringOneTeamsMembershipPagesFinishesThatTeamExactly() async throws {
        // Members come only from /teams/:id/team_memberships, two per page, and one team
        // takes six pages: holding the 11th request stops the sync on that team's fourth
        // (6 user pages, the team list, 3 membership pages of the first team).
        let tenant = try await FakeTenant("aha", ["--users", "12", "--teams", "6", "--page-size-max", "2", "--unlisted-members",
                                                  "--rate-limit", "20/s", "--seed", "4", "--hold-after", "10"])
        let work = try TemporaryDirectory("resume")
        let output = work.file("aha.json")
        let checkpoint = Self.checkpoint(in: work)
        let midTeam = "SELECT resource_id || ' ' || child_token FROM checkpoint WHERE child_listing = 'grants' AND child_token IS NOT NULL"

        let start = try await Self.served(tenant)
        let killed = try await Self.interrupt(["--output", output] + Self.flags(tenant), tenant: tenant)
        #expect(killed.signaled)
        let first = try await Self.served(tenant) - start
        let position = try await SQLiteCLI.run(checkpoint, midTeam).split(separator: " ")
        let team = String(try #require(position.first, "the checkpoint is not inside a team's grants"))
        #expect(Int(position.last ?? "") ?? 0 >= 2, "the team's grants continue at page \(position)")

        let rerun = try await connhost(["sync", "aha", "--output", output] + Self.flags(tenant))
        let second = try await Self.served(tenant) - start - first
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("resumed sync ") && rerun.stderr.contains(" at team page "), "\(rerun.stderr)")

        let truth = try tenant.truth()
        let snapshot = try GroundTruth.load(path: output)
        expectEqual(snapshot, truth)
        let ofTeam = { (grants: [Grant]) in grants.filter { $0.entitlement == "team:\(team):member" }.map(\.id) }
        #expect(ofTeam(snapshot.grants) == ofTeam(truth.grants) && !ofTeam(truth.grants).isEmpty)

        let uninterrupted = try await connhost(["sync", "aha", "--output", work.file("full.json")] + Self.flags(tenant))
        #expect(uninterrupted.status == 0)
        let pages = try await Self.served(tenant) - start - first - second
        #expect(first + second <= pages + 2, "full \(pages), first \(first), resumed \(second)")
    }

    /// How a checkpoint is made not to fit, and the reason the rerun must give.
    static let mismatches: [(String, String)] = [
        ("other account", "the configuration changed (--base-url)"),
        ("other plugin version", "it was made by aha 0.0.1-old, this is aha "),
        ("too old", "it is 2h old, older than --resume-within 1s"),
    ]

    @Test(arguments: mismatches.map(\.0))
    func checkpointThatDoesNotFitIsIgnoredWithOneLineAndAFullSyncRuns(kind: String) async throws {
        let reason = try #require(Self.mismatches.first { $0.0 == kind }?.1)
        let tenant = try await FakeTenant("aha", Self.tenant(holdAfter: 20))
        let work = try TemporaryDirectory("resume")
        let output = work.file("aha.sqlite")
        _ = try await Self.interrupt(["--output", output] + Self.flags(tenant), tenant: tenant)
        #expect(FileManager.default.fileExists(atPath: Self.checkpoint(in: work)))

        var target = tenant
        var extra: [String] = []
        switch kind {
        case "other account":
            target = try await FakeTenant("aha", Self.tenant(holdAfter: 1000, seed: 9))
        case "other plugin version":
            _ = try await SQLiteCLI.run(Self.checkpoint(in: work), "UPDATE checkpoint SET plugin_version = '0.0.1-old'")
        default:
            _ = try await SQLiteCLI.run(Self.checkpoint(in: work), "UPDATE checkpoint SET updated_at = updated_at - 7200")
            extra = ["--resume-within", "1s"]
        }
        var start = try await Self.served(target)
        let rerun = try await connhost(["sync", "aha", "--output", output] + Self.flags(target) + extra)
        let requests = try await Self.served(target) - start
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let lines = rerun.stderr.split(separator: "\n").filter { $0.contains("checkpoint") || $0.contains("resumed") }
        #expect(lines.count == 1 && lines[0].contains("ignored the checkpoint") && lines[0].contains(reason)
                && lines[0].hasSuffix("syncing from the start"), "\(rerun.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.checkpoint(in: work)))
        let diff = try await connhost(["diff", output, target.directory.file("truth.json")])
        #expect(diff.status == 0, "\(diff.stdout)")

        // A full sync: as many requests as another uninterrupted one.
        start = try await Self.served(target)
        _ = try await connhost(["sync", "aha", "--output", work.file("again.sqlite")] + Self.flags(target))
        #expect(try await Self.served(target) - start == requests)
    }

    @Test func sigtermKeepsTheCheckpointButNoTempFileAndNoResumeStartsOver() async throws {
        let tenant = try await FakeTenant("aha", Self.tenant(holdAfter: 15))
        let work = try TemporaryDirectory("resume")
        let output = work.file("aha.c1z")
        let stopped = try await Self.interrupt(["--output", output] + Self.flags(tenant), tenant: tenant, signal: SIGTERM)
        #expect(stopped.status == 143)
        #expect(stopped.stderr.contains("interrupted by SIGTERM"), "\(stopped.stderr)")
        #expect(work.strayTemporaryFiles.isEmpty)
        #expect(FileManager.default.fileExists(atPath: Self.checkpoint(in: work)))

        let start = try await Self.served(tenant)
        let fresh = try await connhost(["sync", "aha", "--output", output, "--no-resume"] + Self.flags(tenant))
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stderr.contains("ignored the checkpoint") && fresh.stderr.contains("--no-resume"))
        #expect(!fresh.stderr.contains("resumed sync"))
        #expect(try await Self.served(tenant) - start == Self.pages)
        #expect(!FileManager.default.fileExists(atPath: Self.checkpoint(in: work)))
        let diff = try await connhost(["diff", output, tenant.directory.file("truth.json")])
        #expect(diff.status == 0, "\(diff.stdout)")
    }

    @Test func exhaustedRetriesKeepTheCheckpointAndBadDurationsAreUsageErrors() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "300", "--page-size-max", "10", "--fail-after", "12"])
        let work = try TemporaryDirectory("resume")
        let failed = try await connhost(["sync", "aha", "--output", work.file("aha.json"), "--max-attempts", "2"] + Self.flags(tenant))
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("resumes where this one stopped"), "\(failed.stderr)")
        #expect(FileManager.default.fileExists(atPath: Self.checkpoint(in: work)))

        for (value, message) in [("5x", "--resume-within needs a duration: a number and s, m, h or d (30m, 24h, 2d), not '5x'"),
                                 ("0h", "--resume-within must be longer than 0, not '0h'"),
                                 ("400d", "--resume-within can be at most 365d, not '400d'")] {
            let result = try await connhost(["sync", "aha", "--output", work.file("aha.json"), "--resume-within", value] + Self.flags(tenant))
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
