import ConnectorKit
import Foundation

/// Drives a connector session's syncers through every page and streams the records to a
/// sink, checking what the plugin returns on the way (the host never trusts a plugin).
///
/// Order: resource types, then for each syncer its resources page by page, and for each
/// resource its entitlements and grants. A plugin error stops the sync; the sink is
/// aborted, so the previous snapshot survives.
public struct SyncEngine {
    /// Pages one listing may have before the engine calls the token endless.
    public static let maxPagesPerListing = 1_000_000

    let metadata: ConnectorMetadata
    let session: any ConnectorSession
    let context: ConnectorContext
    let progress: SyncProgress?
    /// The staged sync being checkpointed, set by ``run(staged:)``.
    private var staging: StagedSync?

    /// Creates an engine for one configured session.
    public init(metadata: ConnectorMetadata, session: any ConnectorSession, context: ConnectorContext, progress: SyncProgress? = nil) {
        self.metadata = metadata
        self.session = session
        self.context = context
        self.progress = progress
    }

    /// Runs the whole sync into `sink` and commits it; aborts the sink on any error.
    public func run(into sink: any SnapshotSink) async throws -> SyncSummary {
        var summary = SyncSummary(connector: metadata.name, pluginVersion: metadata.version)
        do {
            try sink.begin(connector: metadata.name, pluginVersion: metadata.version)
            try await stream(into: sink, summary: &summary)
            summary.endedAt = Date()
            let counts = context.metrics.counts
            summary.requests = counts.requests
            summary.retries = counts.retries
            summary.rateLimited = counts.rateLimited
            try sink.commit(summary)
            return summary
        } catch {
            sink.abort()
            throw error
        }
    }

    /// Runs the sync staged in `staged`, from its checkpoint when it resumes one: kept
    /// records are not asked for again, and a checkpoint is saved with every page written.
    /// On success the staged records go to `staged`'s output; on error the checkpoint stays.
    public func run(staged: StagedSync) async throws -> SyncSummary {
        var engine = self
        engine.staging = staged
        return try await engine.run(into: staged)
    }

    /// Produces the records without begin/commit (used by isolated workers).
    public func stream(into sink: any SnapshotSink, summary: inout SyncSummary) async throws {
        let syncers = session.syncers
        let checker = RecordChecker()
        let resume = staging?.resumePoint
        for syncer in syncers {
            try check(checker.syncer(syncer.resourceType).map { [$0] } ?? [])
            if resume == nil { try sink.write(.resourceType(syncer.resourceType)) }
        }
        var kept: [String: Set<String>] = [:]
        if let staging, let resume {
            kept = try restore(resume, from: staging, syncers: syncers, checker: checker, summary: &summary)
        } else {
            try staging?.pageWritten(.start(firstType: syncers.first?.resourceType.id ?? ""), requests: 0, force: true)
        }

        // Every later type's first page is asked for as soon as the first page of this run is
        // in, so a type's listing never waits a round trip for the one before it to end
        // (under a rate limit, that wait is time the window cannot use). Not before: syncers
        // of one session may share a first response (Codefresh's account). One page per
        // type: memory stays bounded.
        var firstPages: [Int: Task<Page<Resource>, any Error>] = [:]
        defer { firstPages.values.forEach { $0.cancel() } }
        var fetchedFirst = false
        for (index, syncer) in syncers.enumerated() {
            if let resume, index < resume.typeIndex { continue }
            let type = syncer.resourceType.id
            let resuming = resume?.typeIndex == index ? resume : nil
            let seen = resuming == nil ? [] : kept[type] ?? []
            if resuming == nil { checker.startListing(type) }
            var pageNumber = resuming?.pageNumber ?? 1
            try await pages(of: .resources(type), from: resuming?.pageToken) { token in
                let page = if token == nil, let early = firstPages.removeValue(forKey: index) {
                    try await withTaskCancellationHandler { try await early.value } onCancel: { early.cancel() }
                } else {
                    try await syncer.list(ListRequest(page: token))
                }
                if !fetchedFirst {
                    fetchedFirst = true
                    for later in syncers.indices where later > index {
                        let laterSyncer = syncers[later]
                        firstPages[later] = Task { try await laterSyncer.list(ListRequest(page: nil)) }
                    }
                }
                // The page in flight when the run stopped comes again: what was kept is skipped.
                let resumedPage = pageNumber == resuming?.pageNumber ? resuming : nil
                let number = pageNumber
                for (position, resource) in page.items.enumerated() {
                    let checkpoint = { (child: SyncCheckpoint.Child?) throws in
                        try self.checkpoint(SyncCheckpoint(typeIndex: index, typeID: type, pageToken: token, pageNumber: number,
                                                           resourcesDone: child == nil ? position + 1 : position,
                                                           resourceID: child == nil ? nil : resource.id, child: child))
                    }
                    if let resumedPage, seen.contains(resource.id) {
                        if resource.id == resumedPage.resourceID, let child = resumedPage.child {
                            try await syncChildren(of: resource, syncer: syncer, checker: checker, sink: sink, summary: &summary,
                                                   resumingAt: child, checkpoint: checkpoint)
                        }
                        continue
                    }
                    try check(checker.resource(resource, listedBy: type))
                    try sink.write(.resource(resource))
                    summary.resources[type, default: 0] += 1
                    try await syncChildren(of: resource, syncer: syncer, checker: checker, sink: sink, summary: &summary,
                                           checkpoint: checkpoint)
                }
                progress?.advance(type: type, records: page.items.count, requests: context.metrics.counts.requests)
                pageNumber += 1
                // Forced: the next request may be the page in flight when the run stops, and
                // this page's records must not wait for it.
                try staging?.pageWritten(page.next.map {
                    SyncCheckpoint(typeIndex: index, typeID: type, pageToken: $0, pageNumber: pageNumber)
                } ?? SyncCheckpoint(typeIndex: index + 1, typeID: syncers.dropFirst(index + 1).first?.resourceType.id ?? "",
                                    pageToken: nil, pageNumber: 1), requests: context.metrics.counts.requests, force: true)
                return page.next
            }
            if summary.resources[type] == nil { summary.resources[type] = 0 }
        }
        try staging?.pageWritten(SyncCheckpoint(typeIndex: syncers.count, typeID: "", pageToken: nil, pageNumber: 1),
                                 requests: context.metrics.counts.requests, force: true)
        if let warning = checker.unlistedPrincipalsWarning() { summary.warnings.append(warning) }
    }

    /// Replays what the interrupted run kept through `checker` and the summary, after checking
    /// that its position fits these syncers; returns the kept resource ids by type.
    private func restore(_ resume: SyncCheckpoint, from staging: StagedSync, syncers: [any ResourceSyncer],
                         checker: RecordChecker, summary: inout SyncSummary) throws -> [String: Set<String>] {
        let fits = resume.typeIndex == syncers.count
            || (resume.typeIndex < syncers.count && syncers[resume.typeIndex].resourceType.id == resume.typeID)
        guard fits else {
            throw HostError.failed("\(metadata.name): the checkpoint \(staging.checkpointPath) does not fit this plugin's "
                                   + "resource types; sync with --no-resume")
        }
        var kept: [String: Set<String>] = [:]
        var owner: ResourceReference?
        try staging.forEachKeptRecord { record in
            switch record {
            case .resourceType:
                break
            case .resource(let resource):
                try check(checker.resource(resource, listedBy: resource.type))
                kept[resource.type, default: []].insert(resource.id)
                summary.resources[resource.type, default: 0] += 1
                owner = resource.reference
            case .entitlement(let entitlement):
                try check(checker.entitlement(entitlement, of: owner ?? entitlement.resource))
                summary.entitlements += 1
            case .grant(let grant):
                if let owner { try check(checker.grant(grant, of: owner)) }
                summary.grants += 1
            }
        }
        for syncer in syncers.prefix(resume.typeIndex) where summary.resources[syncer.resourceType.id] == nil {
            summary.resources[syncer.resourceType.id] = 0
        }
        return kept
    }

    /// Saves `position` in a staged sync (a no-op otherwise).
    private func checkpoint(_ position: SyncCheckpoint) throws {
        guard let staging else { return }
        try staging.pageWritten(position, requests: context.metrics.counts.requests)
    }

    /// Lists the entitlements and grants of `resource`; `resumingAt` continues a listing of
    /// an interrupted run. `checkpoint` gets the position after every page: the child
    /// listing that follows, or `nil` when both are done.
    private func syncChildren(of resource: Resource, syncer: any ResourceSyncer, checker: RecordChecker,
                              sink: any SnapshotSink, summary: inout SyncSummary, resumingAt: SyncCheckpoint.Child? = nil,
                              checkpoint: (SyncCheckpoint.Child?) throws -> Void) async throws {
        let reference = resource.reference
        var grantsFrom: PageToken?
        switch resumingAt {
        case .grants(let token): grantsFrom = token
        case nil, .entitlements:
            var entitlementsFrom: PageToken?
            if case .entitlements(let token) = resumingAt { entitlementsFrom = token }
            try await pages(of: .entitlements(reference), from: entitlementsFrom) { token in
                let page = try await syncer.entitlements(EntitlementsRequest(resource: resource, page: token))
                for entitlement in page.items {
                    try check(checker.entitlement(entitlement, of: reference))
                    try sink.write(.entitlement(entitlement))
                    summary.entitlements += 1
                }
                try checkpoint(page.next.map { .entitlements(after: $0) } ?? .grants(from: nil))
                return page.next
            }
        }
        try await pages(of: .grants(reference), from: grantsFrom) { token in
            let page = try await syncer.grants(GrantsRequest(resource: resource, page: token))
            for grant in page.items {
                try check(checker.grant(grant, of: reference))
                try sink.write(.grant(grant))
                summary.grants += 1
            }
            try checkpoint(page.next.map { .grants(from: $0) })
            return page.next
        }
    }

    /// Fails the sync on the first problem: a plugin bug, not the service's fault.
    private func check(_ problems: [RecordProblem]) throws {
        if let problem = problems.first { throw HostError.failed("\(metadata.name): \(problem) (plugin bug)") }
    }

    /// Calls `fetch` with each page token from `start` until it returns `nil`, rejecting a
    /// token that repeats the previous one (a plugin that would loop forever). The loop
    /// itself is ``PageLoop``, shared with ``ConformanceCheck``.
    private func pages(of listing: RecordChecker.Listing, from start: PageToken? = nil,
                       _ fetch: (PageToken?) async throws -> PageToken?) async throws {
        do {
            // Stopping is checked between pages too, for a plugin that does not pass cancellation on.
            try await PageLoop(maxPages: Self.maxPagesPerListing, detectsCycles: true).run(from: start) { token in
                try Task.checkCancellation()
                return try await fetch(token)
            }
        } catch let violation as PageLoop.Violation {
            throw HostError.failed("\(metadata.name) \(listing): \(violation)")
        }
    }
}
