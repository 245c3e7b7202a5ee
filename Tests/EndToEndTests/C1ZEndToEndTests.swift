import ConnectorHost
import Foundation
import Testing

/// Baton's checker, a developer tool of the team's kept beside the repository
/// (`../shared/tools/c1z-verify`), not part of it: the cross-check that uses it runs only
/// where it is present; every other c1z check here runs always.
enum C1ZVerify {
    static let path = Products.repository + "/../shared/tools/c1z-verify"
    static let isPresent = FileManager.default.isExecutableFile(atPath: path)

    /// Runs the checker; its first run builds a Python virtualenv (about 15 s), hence the timeout.
    static func run(_ arguments: [String]) async throws -> ProcessResult {
        try await TestSupport.run(path, arguments, timeout: 600)
    }

    /// The `--json` dump in connhost's JSON snapshot shape: without the dump's extra `traits`,
    /// `parent: null` dropped and `profile: null` (no profile anywhere) read as `{}`.
    static func content(_ stdout: String) throws -> [String: [String]] {
        var document = try jsonObject(stdout)
        document["resources"] = try #require(document["resources"] as? [[String: Any]]).map { resource in
            var resource = resource
            resource["traits"] = nil
            if resource["parent"] is NSNull { resource["parent"] = nil }
            if resource["profile"] is NSNull { resource["profile"] = [String: String]() }
            return resource
        }
        return try records(document)
    }

    /// Each array of a snapshot document as sorted lines of sorted-key JSON, so that
    /// neither key order nor record order matters and a difference shows as a few lines.
    static func records(_ document: [String: Any]) throws -> [String: [String]] {
        var content: [String: [String]] = [:]
        for key in ["resource_types", "resources", "entitlements", "grants"] {
            let items = try #require(document[key] as? [Any], "no \(key)")
            content[key] = try items.map {
                String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
            }.sorted()
        }
        return content
    }
}

/// `--format c1z` end to end: Baton's checker accepts what connhost writes, and `show` and
/// `diff` read it back as the same sync the JSON snapshot holds.
struct C1ZEndToEndTests {
    static let tenantArguments = ["--users", "450", "--teams", "12", "--virtual-users", "5", "--seed", "21"]

    @Test(.enabled(if: C1ZVerify.isPresent, "Baton's checker ../shared/tools/c1z-verify is not beside this clone"))
    func whereBatonsCheckerIsPresentItPassesTheSyncedC1ZStrictly() async throws {
        let tenant = try await FakeTenant("aha", Self.tenantArguments)
        let work = try TemporaryDirectory("c1z")
        let c1z = work.file("aha.c1z")
        let sync = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--format", "c1z", "--output", c1z])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(!sync.output.contains(tenant.apiKey))
        let json = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey], into: work)
        #expect(json.result.status == 0, "\(json.result.stderr)")
        let jsonPath = try #require(json.files.first { $0.hasSuffix(".json") })

        let started = Date()
        let verified = try await C1ZVerify.run([c1z, "--strict", "--json"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(verified.status == 0, "c1z-verify --strict: \(verified.stderr)")
        #expect(verified.stderr.contains("OK sync="), "\(verified.stderr)")
        #expect(verified.stderr.contains("rts=2 resources=462 entitlements=12 "), "\(verified.stderr)")
        #expect(!verified.stderr.contains("WARN"), "\(verified.stderr)")
        if elapsed > 5 { print("c1z-verify took \(String(format: "%.1f", elapsed)) s (first run builds its virtualenv)") }
        let checked = try C1ZVerify.content(verified.stdout)
        let expected = try C1ZVerify.records(try jsonFile(jsonPath))
        for key in ["resource_types", "resources", "entitlements", "grants"] {
            let (got, want) = (checked[key] ?? [], expected[key] ?? [])
            #expect(got.count == want.count, "\(key)")
            let extra = Set(got).subtracting(want).sorted().prefix(3), missing = Set(want).subtracting(got).sorted().prefix(3)
            #expect(extra.isEmpty && missing.isEmpty, "\(key): only in the c1z \(extra), only in the JSON \(missing)")
        }
        #expect(try tenant.truth().resources.count == 462)
        #expect(work.strayTemporaryFiles.isEmpty)
    }

    @Test func showAndDiffReadC1ZAsTheSameSync() async throws {
        let tenant = try await FakeTenant("aha", Self.tenantArguments)
        let work = try TemporaryDirectory("c1z")
        let c1z = work.file("a.c1z"), json = work.file("b.json"), db = work.file("c.db")
        for output in [c1z, json, db] {
            let sync = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", output])
            #expect(sync.status == 0, "\(sync.stderr)")
        }
        let showC1Z = try await connhost(["show", c1z, "--json"]), showJSON = try await connhost(["show", json, "--json"])
        #expect(showC1Z.status == 0, "\(showC1Z.stderr)")
        #expect(showC1Z.stdout == showJSON.stdout)
        #expect(try jsonObject(showC1Z.stdout)["connector"] as? String == "aha")
        let usersC1Z = try await connhost(["show", c1z, "--json", "--type", "user"])
        #expect(usersC1Z.status == 0)
        #expect(usersC1Z.stdout == (try await connhost(["show", db, "--json", "--type", "user"])).stdout)
        let text = try await connhost(["show", c1z])
        #expect(text.stdout.contains("format        c1z"), "\(text.stdout)")

        for (old, new) in [(c1z, json), (json, c1z), (c1z, db), (c1z, c1z)] {
            let diff = try await connhost(["diff", old, new])
            #expect(diff.status == 0, "\(old) \(new): \(diff.stdout)\(diff.stderr)")
            #expect(diff.stdout == "no differences\n")
        }

        // Another tenant: the diff finds the changes and exits 1, like diff(1).
        let other = try await FakeTenant("aha", ["--users", "440", "--teams", "12", "--virtual-users", "5", "--seed", "21"])
        let changed = work.file("changed.c1z")
        #expect(try await connhost(["sync", "aha", "--base-url", other.url, "--api-key", other.apiKey, "--output", changed]).status == 0)
        let diff = try await connhost(["diff", json, changed, "--json"])
        #expect(diff.status == 1, "\(diff.stderr)")
        #expect(try jsonObject(diff.stdout)["equal"] as? Bool == false)
    }

    @Test func syncIDPicksASyncAndIsRefusedForOtherFormats() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "20", "--teams", "3", "--seed", "4"])
        let work = try TemporaryDirectory("c1z")
        let c1z = work.file("a.c1z"), json = work.file("a.json")
        for output in [c1z, json] {
            #expect(try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", output]).status == 0)
        }
        let database = try C1ZFile.inflate(c1z)
        let syncID = try await SQLiteCLI.run(database, "SELECT sync_id FROM v1_sync_runs")
        #expect(syncID.count == 27)

        let chosen = try await connhost(["show", c1z, "--sync-id", syncID, "--json"])
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(chosen.stdout == (try await connhost(["show", json, "--json"])).stdout)
        #expect(try await connhost(["diff", c1z, json, "--sync-id", syncID]).status == 0)
        #expect(try await connhost(["diff", c1z, c1z, "--old-sync-id", syncID]).status == 0)

        let missing = try await connhost(["show", c1z, "--sync-id", "2Ah2dhXmbzNDPiQX8JTkL0zjTFm"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "connhost: \(c1z) has no sync '2Ah2dhXmbzNDPiQX8JTkL0zjTFm'; its syncs: \(syncID) (full, ended "
                + (try await SQLiteCLI.run(database, "SELECT ended_at FROM v1_sync_runs")) + ")\n", "\(missing.stderr)")
        let wrongFormat = try await connhost(["show", json, "--sync-id", syncID])
        #expect(wrongFormat.status == 2)
        #expect(wrongFormat.stderr.contains("--sync-id applies to c1z snapshots"))
    }

    @Test func corruptInputsExitOneWithOneLine() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "30", "--teams", "4", "--seed", "9"])
        let work = try TemporaryDirectory("c1z")
        let good = work.file("good.c1z")
        #expect(try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", good]).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        func write(_ name: String, _ data: Data) throws -> String {
            let path = work.file(name)
            try data.write(to: URL(fileURLWithPath: path))
            return path
        }
        let database = try C1ZFile.inflate(good)
        _ = try await SQLiteCLI.run(database, "UPDATE v1_sync_runs SET ended_at = NULL")
        let unfinished = work.file("unfinished.c1z")
        try C1ZFile.deflate(database, to: unfinished)
        let garbage = work.file("garbage.c1z")
        try C1ZFile.deflate(bytes: Data(repeating: 0x5A, count: 5000), to: garbage)

        let cases: [(String, String)] = [
            (try write("magic.c1z", Data("C1ZQ\0".utf8) + bytes.dropFirst(5)), "is not a connhost snapshot"),
            (try write("cut.c1z", bytes.prefix(bytes.count * 2 / 3)), "the zstd frame is truncated"),
            (garbage, "the c1z's zstd frame does not hold a SQLite database"),
            (unfinished, "has no finished full sync"),
            (try write("v3.c1z", Data("C1Z3\0".utf8) + Data(repeating: 0, count: 64)), "is a Baton c1z v3 file"),
        ]
        for (path, reason) in cases {
            let show = try await connhost(["show", path])
            #expect(show.status == 1, "\(path): \(show.stderr)")
            #expect(!show.signaled)
            #expect(show.stderr.hasPrefix("connhost: \(path)"), "\(show.stderr)")
            #expect(show.stderr.contains(reason), "\(show.stderr)")
            #expect(show.stderr.filter { $0 == "\n" }.count == 1, "\(show.stderr)")
            #expect(show.stdout.isEmpty)
            // diff calls an unreadable snapshot trouble (2), never a difference (1).
            let diff = try await connhost(["diff", path, good])
            #expect(diff.status == 2, "\(diff.stderr)")
            #expect(diff.stderr.contains(reason))
        }
    }

    @Test func failedOrInterruptedSyncLeavesThePreviousC1Z() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "8000", "--teams", "3", "--stall-ms", "2000", "--stall-rate", "1"])
        let work = try TemporaryDirectory("c1z")
        let path = work.file("aha.c1z")
        let previous = Data("previous snapshot\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: previous)

        let rejected = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", "wrong-key", "--output", path])
        #expect(rejected.status == 1)
        #expect(FileManager.default.contents(atPath: path) == previous)
        #expect(work.strayTemporaryFiles.isEmpty, "\(work.strayTemporaryFiles)")

        let sync = try ChildProcess(Products.connhost, ["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey,
                                                        "--rate-limit", "1000/s", "--output", path])
        // Interrupted once the tenant has served a few pages: the temp database exists beside
        // the destination by then, and the interrupt removes it.
        #expect(try await eventually { (try await tenant.stats()["requests"] as? Int ?? 0) >= 3 || !sync.isRunning })
        #expect(sync.isRunning)
        #expect(!work.strayTemporaryFiles.isEmpty)
        sync.send(SIGINT)
        let result = await sync.finish(timeout: 30)
        #expect(result.status == 128 + SIGINT, "\(result.stderr)")
        #expect(FileManager.default.contents(atPath: path) == previous)
        #expect(work.strayTemporaryFiles.isEmpty, "\(work.strayTemporaryFiles)")
    }
}
