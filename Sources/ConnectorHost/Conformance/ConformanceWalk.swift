import ConnectorKit

/// Reads every page a session's syncers offer, in the order ``SyncEngine`` does and with
/// its checks (``PageLoop``, ``RecordChecker``), and notes every rule violation instead
/// of stopping at the first.
///
/// A listing whose page tokens go wrong is abandoned and the walk carries on; an error
/// thrown by the plugin ends the walk, because what follows would only repeat it.
final class ConformanceWalk {
    /// Problems per rule, with a few examples kept for the report.
    private(set) var problems: [ConformanceRule: ProblemList] = [:]
    /// The first error a syncer threw, already redacted; `nil` when every call returned.
    private(set) var error: String?
    /// Resources listed, per type id.
    private(set) var resourceCounts: [String: Int] = [:]
    /// Entitlements returned, all resources together.
    private(set) var entitlementCount = 0
    /// Grants returned, all resources together.
    private(set) var grantCount = 0
    /// Listings followed (one per syncer, and two per resource).
    private(set) var listings = 0
    /// Pages of the longest listing.
    private(set) var longestListing = 0

    private let loop: PageLoop
    private let secrets: [(field: String, value: String)]
    private let redact: (String) -> String
    private let checker = RecordChecker()

    /// Creates a walk that allows `maxPages` per listing and looks for `secrets` (config
    /// field name and value) in every record.
    init(maxPages: Int, secrets: [(field: String, value: String)], redact: @escaping (String) -> String) {
        loop = PageLoop(maxPages: maxPages, detectsCycles: true)
        // Shorter values match too much ordinary text to mean anything (the kit's
        // redaction draws the same line).
        self.secrets = secrets.filter { $0.value.count >= 4 }
        self.redact = redact
    }

    /// Whether every call returned, so that absence (a principal never listed) means something.
    var completed: Bool { error == nil }

    /// Walks `syncers` to the end, or to the first error a plugin throws.
    func run(_ syncers: [any ResourceSyncer]) async {
        do {
            for syncer in syncers {
                try await list(syncer)
            }
        } catch {
            self.error = redact(ErrorReport.message(for: error))
            return
        }
        note(checker.unlistedPrincipals())
    }

    private func list(_ syncer: any ResourceSyncer) async throws {
        let type = syncer.resourceType.id
        resourceCounts[type, default: 0] += 0
        checker.startListing(type)
        try await follow(.resources(type)) { token in
            let page = try await syncer.list(ListRequest(page: token))
            for resource in page.items {
                note(checker.resource(resource, listedBy: type))
                resourceCounts[type, default: 0] += 1
                scan("resource \(resource.reference)", Self.strings(of: resource))
                try await children(of: resource, syncer: syncer)
            }
            return page.next
        }
    }

    private func children(of resource: Resource, syncer: any ResourceSyncer) async throws {
        let reference = resource.reference
        try await items(of: .entitlements(reference), { try await syncer.entitlements(EntitlementsRequest(resource: resource, page: $0)) }) {
            note(checker.entitlement($0, of: reference))
            entitlementCount += 1
            scan("entitlement \($0.id)", Self.strings(of: $0))
        }
        try await items(of: .grants(reference), { try await syncer.grants(GrantsRequest(resource: resource, page: $0)) }) {
            note(checker.grant($0, of: reference))
            grantCount += 1
            scan("grant \($0.id)", Self.strings(of: $0))
        }
    }

    /// Hands every item of every page of `listing` to `body`.
    private func items<Item>(of listing: RecordChecker.Listing, _ fetch: (PageToken?) async throws -> Page<Item>,
                             _ body: (Item) -> Void) async throws {
        try await follow(listing) { token in
            let page = try await fetch(token)
            page.items.forEach(body)
            return page.next
        }
    }

    /// Follows one listing; a token violation is noted and ends only this listing.
    private func follow(_ listing: RecordChecker.Listing, _ fetch: (PageToken?) async throws -> PageToken?) async throws {
        var pages = 0
        listings += 1
        defer { longestListing = max(longestListing, pages) }
        do {
            try await loop.run { token in
                pages += 1
                return try await fetch(token)
            }
        } catch let violation as PageLoop.Violation {
            note(.pageTokens, "\(listing): \(violation)")
        }
    }

    private func note(_ rule: ConformanceRule, _ problem: String) {
        problems[rule, default: ProblemList()].append(redact(problem))
    }

    private func note(_ found: [RecordProblem]) {
        for problem in found { note(problem.rule, problem.message) }
    }

    /// Notes every secret value found in `fields` (field path and value), naming the
    /// config field and where it was found, never the value.
    private func scan(_ record: String, _ fields: [(String, String)]) {
        for (path, text) in fields {
            for secret in secrets where text.contains(secret.value) {
                note(.secrets, "\(record) holds the value of secret field '\(secret.field)' in \(path)")
            }
        }
    }

    static func strings(of resource: Resource) -> [(String, String)] {
        var fields = [("type", resource.type), ("id", resource.id), ("display_name", resource.displayName)]
        if let parent = resource.parent { fields += [("parent.type", parent.type), ("parent.id", parent.id)] }
        for (key, value) in resource.profile.sorted(by: { $0.key < $1.key }) {
            fields += [("a profile key", key), ("profile.\(key)", value)]
        }
        return fields
    }

    static func strings(of entitlement: Entitlement) -> [(String, String)] {
        [("id", entitlement.id), ("slug", entitlement.slug), ("display_name", entitlement.displayName),
         ("resource.type", entitlement.resource.type), ("resource.id", entitlement.resource.id)]
    }

    static func strings(of grant: Grant) -> [(String, String)] {
        [("id", grant.id), ("entitlement", grant.entitlement),
         ("principal.type", grant.principal.type), ("principal.id", grant.principal.id)]
    }
}
