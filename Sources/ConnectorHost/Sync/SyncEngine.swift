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
        var typeIDs = Set<String>()
        for syncer in syncers {
            guard typeIDs.insert(syncer.resourceType.id).inserted else {
                throw HostError.failed("\(metadata.name): two syncers for resource type '\(syncer.resourceType.id)' (plugin bug)")
            }
            try sink.write(.resourceType(syncer.resourceType))
        }

        // Every later type's first page is asked for as soon as the first type's first page is
        // in, so a type's listing never waits a round trip for the one before it to end
        // (under a rate limit, that wait is time the window cannot use). Not before: syncers
        // of one session may share a first response (Codefresh's account). One page per
        // type: memory stays bounded.
        var firstPages: [Task<Page<Resource>, any Error>] = []
        defer { firstPages.forEach { $0.cancel() } }
        var resourceIDs: [String: Set<String>] = [:]
        var unresolvedPrincipals = Set<ResourceReference>()
        var grantIDs = Set<String>()
        for (index, syncer) in syncers.enumerated() {
            let type = syncer.resourceType.id
            var seen = Set<String>()
            try await Self.pages(of: "\(metadata.name) \(type) list") { token in
                let page = if token == nil, index > 0 {
                    try await firstPages[index - 1].value
                } else {
                    try await syncer.list(ListRequest(page: token))
                }
                if index == 0 && token == nil {
                    firstPages = syncers.dropFirst().map { later in Task { try await later.list(ListRequest(page: nil)) } }
                }
                for resource in page.items {
                    try check(!resource.id.isEmpty, "a \(type) resource with an empty id")
                    try check(resource.type == type, "resource \(resource.type):\(resource.id) listed by the \(type) syncer")
                    try check(seen.insert(resource.id).inserted, "duplicate \(type) id '\(resource.id)'")
                    try sink.write(.resource(resource))
                    summary.resources[type, default: 0] += 1
                    try await syncChildren(of: resource, syncer: syncer, sink: sink, summary: &summary,
                                           grantIDs: &grantIDs, unresolved: &unresolvedPrincipals, known: resourceIDs)
                }
                progress?.advance(type: type, records: page.items.count, requests: context.metrics.counts.requests)
                return page.next
            }
            if summary.resources[type] == nil { summary.resources[type] = 0 }
            resourceIDs[type] = seen
            unresolvedPrincipals = unresolvedPrincipals.filter { $0.type != type || !seen.contains($0.id) }
        }
        if !unresolvedPrincipals.isEmpty {
            let sample = unresolvedPrincipals.map(\.description).sorted().prefix(3).joined(separator: ", ")
            summary.warnings.append("\(unresolvedPrincipals.count) grant principals were never listed as resources (e.g. \(sample))")
        }
    }

    private func syncChildren(of resource: Resource, syncer: any ResourceSyncer, sink: any SnapshotSink,
                              summary: inout SyncSummary, grantIDs: inout Set<String>,
                              unresolved: inout Set<ResourceReference>, known: [String: Set<String>]) async throws {
        var entitlementIDs = Set<String>()
        let label = "\(resource.type):\(resource.id)"
        try await Self.pages(of: "\(metadata.name) entitlements of \(label)") { token in
            let page = try await syncer.entitlements(EntitlementsRequest(resource: resource, page: token))
            for entitlement in page.items {
                try check(entitlement.resource == resource.reference,
                          "entitlement \(entitlement.id) returned for \(label) belongs to \(entitlement.resource)")
                try check(entitlementIDs.insert(entitlement.id).inserted, "duplicate entitlement id '\(entitlement.id)'")
                try sink.write(.entitlement(entitlement))
                summary.entitlements += 1
            }
            return page.next
        }
        try await Self.pages(of: "\(metadata.name) grants of \(label)") { token in
            let page = try await syncer.grants(GrantsRequest(resource: resource, page: token))
            for grant in page.items {
                try check(entitlementIDs.contains(grant.entitlement),
                          "grant \(grant.id) names entitlement \(grant.entitlement), which \(label) does not offer")
                try check(grantIDs.insert(grant.id).inserted, "duplicate grant id '\(grant.id)'")
                if known[grant.principal.type]?.contains(grant.principal.id) != true {
                    unresolved.insert(grant.principal)
                }
                try sink.write(.grant(grant))
                summary.grants += 1
            }
            return page.next
        }
    }

    private func check(_ condition: Bool, _ problem: @autoclosure () -> String) throws {
        if !condition { throw HostError.failed("\(metadata.name): \(problem()) (plugin bug)") }
    }

    /// Calls `fetch` with each page token until it returns `nil`, rejecting a token that
    /// repeats the previous one (a plugin that would loop forever). The loop itself is
    /// ``PageLoop``, shared with ``ConformanceCheck``.
    static func pages(of listing: String, _ fetch: (PageToken?) async throws -> PageToken?) async throws {
        do {
            try await PageLoop(maxPages: maxPagesPerListing, detectsCycles: true).run(fetch)
        } catch let violation as PageLoop.Violation {
            throw HostError.failed("\(listing): \(violation)")
        }
    }
}
