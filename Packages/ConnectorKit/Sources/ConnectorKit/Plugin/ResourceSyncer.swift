/// Lists one resource type, and the entitlements and grants of each resource, page by page.
///
/// Shaped like Baton's `ResourceSyncer`. Each call returns one ``Page``; the host calls
/// again with `page.next` until it is `nil`.
///
/// ## Implementation requirements
/// - A page token must change from call to call and must end; the host stops a syncer
///   whose token comes back unchanged.
/// - Ids are non-empty and unique within the resource type.
/// - Every entitlement belongs to a resource this syncer listed; every grant names an
///   entitlement that was returned and a principal resource that some syncer lists.
public protocol ResourceSyncer: Sendable {
    /// The type this syncer lists.
    var resourceType: ResourceType { get }

    /// Returns one page of resources.
    func list(_ request: ListRequest) async throws -> Page<Resource>

    /// Returns one page of the entitlements that `request.resource` offers.
    func entitlements(_ request: EntitlementsRequest) async throws -> Page<Entitlement>

    /// Returns one page of grants of the entitlements of `request.resource`.
    func grants(_ request: GrantsRequest) async throws -> Page<Grant>
}

// MARK: - Default implementations

extension ResourceSyncer {
    /// No entitlements: the default for principal types such as users.
    public func entitlements(_ request: EntitlementsRequest) async throws -> Page<Entitlement> {
        .empty
    }

    /// No grants: the default for principal types such as users.
    public func grants(_ request: GrantsRequest) async throws -> Page<Grant> {
        .empty
    }
}
