import ConnectorKit
import Foundation

/// Drives a connector session's syncers through every page and streams the records to a
/// sink, checking what the plugin returns on the way (the host never trusts a plugin):
/// page tokens with ``PageLoop``, records with ``RecordChecker``, both shared with
/// `check-plugin`.
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

    /// Produces the records without begin/commit (used by isolated workers).
    public func stream(into sink: any SnapshotSink, summary: inout SyncSummary) async throws {
        let syncers = session.syncers
        let checker = RecordChecker()
        for syncer in syncers {
            try check(checker.syncer(syncer.resourceType).map { [$0] } ?? [])
            try sink.write(.resourceType(syncer.resourceType))
        }

        // Every later type's first page is asked for as soon as the first type's first page is
        // in, so a type's listing never waits a round trip for the one before it to end
        // (under a rate limit, that wait is time the window cannot use). Not before: syncers
        // of one session may share a first response (Codefresh's account). One page per
        // type: memory stays bounded.
        var firstPages: [Task<Page<Resource>, any Error>] = []
        defer { firstPages.forEach { $0.cancel() } }
        for (index, syncer) in syncers.enumerated() {
            let type = syncer.resourceType.id
            checker.startListing(type)
            try await pages(of: .resources(type)) { token in
                let page = if token == nil, index > 0 {
                    try await withTaskCancellationHandler { [first = firstPages[index - 1]] in try await first.value }
                        onCancel: { [first = firstPages[index - 1]] in first.cancel() }
                } else {
                    try await syncer.list(ListRequest(page: token))
                }
                if index == 0 && token == nil {
                    firstPages = syncers.dropFirst().map { later in Task { try await later.list(ListRequest(page: nil)) } }
                }
                for resource in page.items {
                    try check(checker.resource(resource, listedBy: type))
                    try sink.write(.resource(resource))
                    summary.resources[type, default: 0] += 1
                    try await syncChildren(of: resource, syncer: syncer, checker: checker, sink: sink, summary: &summary)
                }
                progress?.advance(type: type, records: page.items.count, requests: context.metrics.counts.requests)
                return page.next
            }
            if summary.resources[type] == nil { summary.resources[type] = 0 }
        }
        if let warning = checker.unlistedPrincipalsWarning() { summary.warnings.append(warning) }
    }

    private func syncChildren(of resource: Resource, syncer: any ResourceSyncer, checker: RecordChecker,
                              sink: any SnapshotSink, summary: inout SyncSummary) async throws {
        let reference = resource.reference
        try await items(of: .entitlements(reference), { try await syncer.entitlements(EntitlementsRequest(resource: resource, page: $0)) }) {
            try check(checker.entitlement($0, of: reference))
            try sink.write(.entitlement($0))
            summary.entitlements += 1
        }
        try await items(of: .grants(reference), { try await syncer.grants(GrantsRequest(resource: resource, page: $0)) }) {
            try check(checker.grant($0, of: reference))
            try sink.write(.grant($0))
            summary.grants += 1
        }
    }

    /// Hands every item of every page of `listing` to `body`.
    private func items<Item>(of listing: RecordChecker.Listing, _ fetch: (PageToken?) async throws -> Page<Item>,
                             _ body: (Item) throws -> Void) async throws {
        try await pages(of: listing) { token in
            let page = try await fetch(token)
            for item in page.items { try body(item) }
            return page.next
        }
    }

    /// Fails the sync on the first problem: a plugin bug, not the service's fault.
    private func check(_ problems: [RecordProblem]) throws {
        if let problem = problems.first { throw HostError.failed("\(metadata.name): \(problem) (plugin bug)") }
    }

    /// Calls `fetch` with each page token until it returns `nil`, rejecting a token that
    /// repeats the previous one (a plugin that would loop forever). The loop itself is
    /// ``PageLoop``, shared with ``ConformanceCheck``.
    private func pages(of listing: RecordChecker.Listing, _ fetch: (PageToken?) async throws -> PageToken?) async throws {
        do {
            // Stopping is checked between pages too, for a plugin that does not pass cancellation on.
            try await PageLoop(maxPages: Self.maxPagesPerListing, detectsCycles: true).run { token in
                try Task.checkCancellation()
                return try await fetch(token)
            }
        } catch let violation as PageLoop.Violation {
            throw HostError.failed("\(metadata.name) \(listing): \(violation)")
        }
    }
}
