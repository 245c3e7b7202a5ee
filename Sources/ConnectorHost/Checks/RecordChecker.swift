import ConnectorKit

/// The checks the host makes on every record a plugin returns, shared by ``SyncEngine``
/// (which stops at the first problem) and ``ConformanceCheck`` (which notes them all), so
/// that both name the same problems in the same words.
///
/// Feed it in the sync's order: each syncer's type, then per syncer ``startListing(_:)``
/// and each resource as it is listed, followed by that resource's entitlements and
/// grants; ask for ``unlistedPrincipals()`` once every syncer is done. It keeps the ids
/// seen (resources per type, entitlements, grants) and the grants whose principal was not
/// listed yet.
final class RecordChecker {
    /// One paged listing, as messages name it.
    enum Listing: CustomStringConvertible {
        /// A syncer's resources, by type id.
        case resources(String)
        /// The entitlements of one resource.
        case entitlements(ResourceReference)
        /// The grants of one resource.
        case grants(ResourceReference)

        var description: String {
            switch self {
            case .resources(let type): return "\(type) list"
            case .entitlements(let resource): return "entitlements of \(resource)"
            case .grants(let resource): return "grants of \(resource)"
            }
        }
    }

    private var syncerTypes = Set<String>()
    /// Resource ids per type, of the listings done.
    private var listed: [String: Set<String>] = [:]
    /// The listing under way: ids are unique within it (a second syncer of a type is
    /// reported once, by ``syncer(_:)``, not once per resource).
    private var current: (type: String, ids: Set<String>)?
    private var entitlementIDs = Set<String>()
    private var grantIDs = Set<String>()
    /// The entitlements offered by the resource whose children are being checked.
    private var offered = Set<String>()
    /// Grants whose principal had not been listed when they came, in order.
    private var pending: [(grant: String, principal: ResourceReference)] = []

    /// A second syncer for a type already seen.
    func syncer(_ type: ResourceType) -> RecordProblem? {
        syncerTypes.insert(type.id).inserted ? nil : RecordProblem(.syncers, "two syncers for resource type '\(type.id)'")
    }

    /// Starts the listing of a syncer of `type`.
    func startListing(_ type: String) {
        finishListing()
        current = (type, [])
    }

    /// A resource listed by the syncer of `type`: a non-empty id, unique within the type,
    /// and the syncer's own type.
    func resource(_ resource: Resource, listedBy type: String) -> [RecordProblem] {
        offered.removeAll(keepingCapacity: true)
        var problems: [RecordProblem] = []
        if resource.id.isEmpty { problems.append(RecordProblem(.ids, "a \(type) resource has an empty id")) }
        if resource.type != type {
            problems.append(RecordProblem(.ids, "resource \(resource.reference) was listed by the \(type) syncer"))
        }
        if current?.type != type { startListing(type) }
        if !resource.id.isEmpty && current?.ids.insert(resource.id).inserted == false {
            problems.append(RecordProblem(.ids, "duplicate \(type) id '\(resource.id)'"))
        }
        return problems
    }

    /// An entitlement returned for `resource` (the one last passed to
    /// ``resource(_:listedBy:)``): it belongs to that resource, with a
    /// non-empty id that no other entitlement has.
    func entitlement(_ entitlement: Entitlement, of resource: ResourceReference) -> [RecordProblem] {
        var problems: [RecordProblem] = []
        if entitlement.resource != resource {
            problems.append(RecordProblem(.entitlements,
                                          "entitlement \(entitlement.id) returned for \(resource) belongs to \(entitlement.resource)"))
        }
        if entitlement.id.isEmpty {
            problems.append(RecordProblem(.ids, "an entitlement of \(resource) has an empty id"))
        } else if !entitlementIDs.insert(entitlement.id).inserted {
            problems.append(RecordProblem(.ids, "duplicate entitlement id '\(entitlement.id)'"))
        }
        offered.insert(entitlement.id)
        return problems
    }

    /// A grant returned for `resource`: a non-empty, unique id, and an entitlement that
    /// the resource offers. A principal not listed yet is checked at the end.
    func grant(_ grant: Grant, of resource: ResourceReference) -> [RecordProblem] {
        var problems: [RecordProblem] = []
        if grant.id.isEmpty {
            problems.append(RecordProblem(.ids, "a grant of \(resource) has an empty id"))
        } else if !grantIDs.insert(grant.id).inserted {
            problems.append(RecordProblem(.ids, "duplicate grant id '\(grant.id)'"))
        }
        if !offered.contains(grant.entitlement) {
            problems.append(RecordProblem(.grants,
                                          "grant \(grant.id) names entitlement \(grant.entitlement), which \(resource) does not offer"))
        }
        if !isListed(grant.principal) {
            pending.append((grant.id, grant.principal))
        }
        return problems
    }

    /// Every grant whose principal no syncer listed, one problem each (in grant order).
    func unlistedPrincipals() -> [RecordProblem] {
        unlisted().map { RecordProblem(.grants, "grant \($0.grant) names principal \($0.principal), which no syncer lists") }
    }

    /// The same as one warning line for a sync summary (a sync keeps such grants), or
    /// `nil` when every principal was listed.
    func unlistedPrincipalsWarning() -> String? {
        let principals = Set(unlisted().map(\.principal))
        guard !principals.isEmpty else { return nil }
        let sample = principals.map(\.description).sorted().prefix(3).joined(separator: ", ")
        return "\(principals.count) grant principals were never listed as resources (e.g. \(sample))"
    }

    private func unlisted() -> [(grant: String, principal: ResourceReference)] {
        finishListing()
        return pending.filter { !isListed($0.principal) }
    }

    private func isListed(_ resource: ResourceReference) -> Bool {
        listed[resource.type]?.contains(resource.id) == true
            || (current?.type == resource.type && current?.ids.contains(resource.id) == true)
    }

    private func finishListing() {
        guard let (type, ids) = current else { return }
        current = nil
        if listed[type] == nil { listed[type] = ids } else { listed[type]?.formUnion(ids) }
    }
}
