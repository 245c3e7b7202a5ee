@testable import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// The staging file of a resumable sync: what a commit keeps, what a crash drops, when an
/// old checkpoint is resumed, and what the final replay writes.
struct CheckpointStoreTests {
    static let metadata = ConnectorMetadata(
        name: "fixture", version: "1.2.0", summary: "test", resourceTypes: SnapshotFixture.resourceTypes,
        configFields: [ConfigField(name: "base-url", env: "BATON_BASE_URL", help: "url"),
                       ConfigField(name: "api-key", env: "BATON_API_KEY", secret: true, help: "key")])
    static let config = ConnectorConfiguration(["base-url": "https://acme.example", "api-key": "secret-one"])
    static var identity: CheckpointIdentity { CheckpointIdentity(metadata: metadata, config: config) }

    static let position = SyncCheckpoint(typeIndex: 1, typeID: "team", pageToken: "p2", pageNumber: 2,
                                         resourcesDone: 3, resourceID: "7", child: .grants(from: "g4"))

    @Test func savedRecordsAndPositionSurviveAndUnsavedOnesAreDropped() throws {
        let work = try TemporaryDirectory()
        let path = CheckpointStore.path(instance: "acme", directory: work.path)
        #expect(path == work.file(".acme.resume.sqlite"))
        do {
            let store = try CheckpointStore(path: path)
            #expect(try store.saved() == nil)
            try store.start(identity: Self.identity, syncID: "sync-1", position: .start(firstType: "user"))
            for record in SnapshotFixture.records { try store.append(record) }
            try store.save(Self.position)
            try store.append(.resource(Resource(type: "user", id: "unsaved", displayName: "lost")))
            store.close()   // as a killed process: the last append was never saved
        }
        let store = try CheckpointStore(path: path)
        let saved = try #require(try store.saved())
        #expect(saved.position == Self.position)
        #expect(saved.syncID == "sync-1" && saved.identity == Self.identity)
        #expect(saved.records == SnapshotFixture.records.count)
        #expect(abs(saved.updatedAt.timeIntervalSinceNow) < 60)
        var read: [SnapshotRecord] = []
        try store.forEachRecord { read.append($0) }
        #expect(read == SnapshotFixture.records)
        store.remove()
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }

    @Test func everyChildPositionRoundTrips() throws {
        let work = try TemporaryDirectory()
        let store = try CheckpointStore(path: work.file(".x.resume.sqlite"))
        try store.start(identity: Self.identity, syncID: "s", position: .start(firstType: "user"))
        for child: SyncCheckpoint.Child? in [nil, .entitlements(after: "e2"), .grants(from: nil), .grants(from: "3")] {
            var position = Self.position
            position.child = child
            position.pageToken = child == nil ? nil : "p9"
            try store.save(position)
            #expect(try store.saved()?.position == position)
        }
    }

    @Test func aSecondSyncOfTheInstanceCannotTakeTheFile() throws {
        let work = try TemporaryDirectory()
        let path = work.file(".acme.resume.sqlite")
        let first = try CheckpointStore(path: path)
        #expect(throws: HostError.self) { try CheckpointStore(path: path) }
        first.close()
        _ = try CheckpointStore(path: path)
    }

    /// A staged sync with the fixture's records kept and a saved position, then closed.
    static func interrupted(in work: TemporaryDirectory, config: ConnectorConfiguration = config) throws {
        let staged = try StagedSync(instance: "acme", outputDirectory: work.path,
                                    identity: CheckpointIdentity(metadata: metadata, config: config),
                                    policy: .init(), output: InMemorySnapshotSink())
        #expect(staged.notice == nil)
        for record in SnapshotFixture.records { try staged.write(record) }
        try staged.pageWritten(position, requests: 1)
        staged.abort()
    }

    static func open(_ work: TemporaryDirectory, config: ConnectorConfiguration = config, policy: StagedSync.Policy = .init(),
                     now: Date = Date(), output: any SnapshotSink = InMemorySnapshotSink()) throws -> StagedSync {
        try StagedSync(instance: "acme", outputDirectory: work.path, identity: CheckpointIdentity(metadata: metadata, config: config),
                       policy: policy, output: output, now: now)
    }

    @Test func aFittingCheckpointIsResumedAndItsRecordsAreReplayedInOrder() throws {
        let work = try TemporaryDirectory()
        try Self.interrupted(in: work)
        // A new API key for the same account does not matter: secrets are not part of the identity.
        var config = Self.config
        config.values["api-key"] = "secret-two"
        let output = InMemorySnapshotSink()
        let staged = try Self.open(work, config: config, output: output)
        #expect(staged.resumePoint == Self.position)
        let notice = try #require(staged.notice)
        #expect(notice == "resumed sync \(staged.syncID) at team page 2 (\(SnapshotFixture.records.count) records kept)")
        var kept: [SnapshotRecord] = []
        try staged.forEachKeptRecord { kept.append($0) }
        #expect(kept == SnapshotFixture.records)
        #expect(Set(kept.compactMap { if case .resource(let r) = $0, r.type == "user" { r.id } else { nil } }) == ["7", "42"])
        try staged.begin(connector: "fixture", pluginVersion: "1.2.0")
        let extra = SnapshotRecord.resource(Resource(type: "user", id: "99", displayName: "late"))
        try staged.write(extra)
        try staged.pageWritten(SyncCheckpoint(typeIndex: 3, typeID: "", pageToken: nil, pageNumber: 1), requests: 2, force: true)
        try staged.commit(SnapshotFixture.summary)
        #expect(output.records == SnapshotFixture.records + [extra])
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }

    @Test func aCheckpointThatDoesNotFitIsIgnoredAndCleared() throws {
        let cases: [(String, (inout ConnectorConfiguration, inout StagedSync.Policy, inout Date) -> Void)] = [
            ("the configuration changed (--base-url)", { config, _, _ in config.values["base-url"] = "https://beta.example" }),
            ("--no-resume", { _, policy, _ in policy.resume = false }),
            ("it is 3h old, older than --resume-within 2h", { _, policy, now in
                policy.maxAge = 7200
                now = now.addingTimeInterval(3 * 3600 + 5)
            }),
        ]
        for (reason, change) in cases {
            let work = try TemporaryDirectory()
            try Self.interrupted(in: work)
            var (config, policy, now) = (Self.config, StagedSync.Policy(), Date())
            change(&config, &policy, &now)
            let staged = try Self.open(work, config: config, policy: policy, now: now)
            #expect(staged.resumePoint == nil)
            #expect(staged.notice == "ignored the checkpoint \(work.file(".acme.resume.sqlite")): \(reason); syncing from the start")
            var kept = 0
            try staged.forEachKeptRecord { _ in kept += 1 }
            #expect(kept == 0)
        }
        var newer = Self.identity
        newer.version = "1.3.0"
        #expect(newer.mismatch(with: Self.identity) == "it was made by fixture 1.2.0, this is fixture 1.3.0")
    }

    @Test func aDamagedStagingFileIsReportedAndReplaced() throws {
        let work = try TemporaryDirectory()
        try Data("not a database, not at all; long enough to be read as a header".utf8)
            .write(to: URL(fileURLWithPath: work.file(".acme.resume.sqlite")))
        let staged = try Self.open(work)
        #expect(staged.resumePoint == nil)
        #expect(staged.notice?.contains("it is unreadable") == true)
        try staged.write(SnapshotFixture.records[0])
        try staged.pageWritten(Self.position, requests: 1)
    }

    @Test func aFailingOutputKeepsTheStagedRecords() throws {
        final class FailingSink: SnapshotSink {
            let failsOnWrite: Bool
            init(failsOnWrite: Bool) { self.failsOnWrite = failsOnWrite }
            func begin(connector: String, pluginVersion: String) throws {}
            func write(_ record: SnapshotRecord) throws { if failsOnWrite { throw HostError.failed("disk full") } }
            func commit(_ summary: SyncSummary) throws { throw HostError.failed("disk full") }
            func abort() {}
        }
        let work = try TemporaryDirectory()
        try Self.interrupted(in: work)
        // The replay of the kept records fails: the engine aborts, the checkpoint stays.
        let replaying = try Self.open(work, output: FailingSink(failsOnWrite: true))
        #expect(throws: HostError.self) { try replaying.begin(connector: "fixture", pluginVersion: "1.2.0") }
        replaying.abort()
        #expect(replaying.keepsCheckpoint)
        // The commit fails: the records stay staged for a run that only writes them.
        let committing = try Self.open(work, output: FailingSink(failsOnWrite: false))
        try committing.begin(connector: "fixture", pluginVersion: "1.2.0")
        #expect(throws: HostError.self) { try committing.commit(SnapshotFixture.summary) }
        #expect(committing.keepsCheckpoint)
        let again = try Self.open(work)
        #expect(again.resumePoint == Self.position)
    }

    @Test func aSyncThatStopsBeforeItsFirstPageLeavesNothing() throws {
        let work = try TemporaryDirectory()
        let staged = try Self.open(work)
        try staged.begin(connector: "fixture", pluginVersion: "1.2.0")
        try staged.write(SnapshotFixture.records[0])
        try staged.pageWritten(.start(firstType: "user"), requests: 0, force: true)
        staged.abort()
        #expect(!staged.keepsCheckpoint)
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }

    @Test func theBinaryRecordFormRoundTripsEveryFieldOfTheModel() throws {
        var odd = Entitlement(resource: ResourceReference(type: "team", id: "7"), slug: "x", displayName: "", purpose: .permission)
        odd.id = "an id the plugin chose"
        var grant = Grant(entitlementID: odd.id, principal: ResourceReference(type: "user", id: "é\u{0}"))
        grant.id = "g"
        let long = Resource(type: "user", id: String(repeating: "9", count: 300), displayName: "",
                            profile: Dictionary(uniqueKeysWithValues: (0..<200).map { ("k\($0)", String(repeating: "v", count: $0)) }))
        var bytes: [UInt8] = []
        for record in SnapshotFixture.records + [.entitlement(odd), .grant(grant), .resource(long)] {
            try StagedRecordCodec.encode(record, into: &bytes)
            #expect(try bytes.withUnsafeBytes { try StagedRecordCodec.decode($0) } == record)
            if bytes.count > 1 {
                let cut = Array(bytes.dropLast())
                #expect(throws: (any Error).self) { try cut.withUnsafeBytes { try StagedRecordCodec.decode($0) } }
            }
        }
        // A field added to the data model must be added to the codec (and to this count).
        #expect(Mirror(reflecting: SnapshotFixture.users[0]).children.count == 5)
        #expect(Mirror(reflecting: odd).children.count == 5)
        #expect(Mirror(reflecting: grant).children.count == 3)
        #expect(Mirror(reflecting: ResourceReference(type: "a", id: "b")).children.count == 2)
    }

    @Test func durationsParseAndPrint() throws {
        #expect(try DurationText.parse("30m", option: "--x") == 1800)
        #expect(try DurationText.parse("24h", option: "--x") == 86_400)
        #expect(try DurationText.parse("2d", option: "--x") == 172_800)
        #expect(try DurationText.parse("1.5s", option: "--x") == 1.5)
        for bad in ["", "h", "24", "-1h", "1e3s", "2 d", "1w", "nans", "0d", "366d"] {
            #expect(throws: HostError.self, "\(bad)") { try DurationText.parse(bad, option: "--x") }
        }
        #expect(DurationText.describe(1) == "1s")
        #expect(DurationText.describe(7200) == "2h")
        #expect(DurationText.describe(86_400) == "24h")
        #expect(DurationText.describe(3 * 86_400) == "3d")
        #expect(DurationText.describe(90 * 60) == "90m")
    }
}
