import ConnectorKit

/// Look-ups over one snapshot that the report needs many times: resources by reference,
/// entitlements by id, grants per principal and per resource, and which resource types
/// are people and which are groups.
public struct SnapshotIndex {
    /// The snapshot indexed.
    public let snapshot: Snapshot
    /// Resources by `type:id`.
    public let resources: [String: Resource]
    /// Entitlements by id.
    public let entitlements: [String: Entitlement]
    /// How many grants each principal (`type:id`) holds.
    public let grantsPerPrincipal: [String: Int]
    /// How many grants name each resource's entitlements (`type:id`): a group's members.
    public let grantsPerResource: [String: Int]
    /// Resource types with the `user` trait (or the type `user` when none declares it).
    public let userTypes: Set<String>
    /// Resource types with the `group` trait (or `team`/`group` when none declares it).
    public let groupTypes: Set<String>

    /// Indexes `snapshot`.
    public init(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        resources = Dictionary(snapshot.resources.map { (Self.key($0.reference), $0) }, uniquingKeysWith: { first, _ in first })
        entitlements = Dictionary(snapshot.entitlements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var perPrincipal: [String: Int] = [:], perResource: [String: Int] = [:]
        var resourceOfEntitlement: [String: String] = [:]
        for entitlement in snapshot.entitlements { resourceOfEntitlement[entitlement.id] = Self.key(entitlement.resource) }
        for grant in snapshot.grants {
            perPrincipal[Self.key(grant.principal), default: 0] += 1
            if let resource = resourceOfEntitlement[grant.entitlement] { perResource[resource, default: 0] += 1 }
        }
        grantsPerPrincipal = perPrincipal
        grantsPerResource = perResource
        func types(_ trait: ResourceTrait, fallback: Set<String>) -> Set<String> {
            let declared = Set(snapshot.resourceTypes.filter { $0.traits.contains(trait) }.map(\.id))
            return declared.isEmpty ? fallback.intersection(snapshot.resourceCounts.keys) : declared
        }
        userTypes = types(.user, fallback: ["user"])
        groupTypes = types(.group, fallback: ["team", "group"])
    }

    /// `type:id`, the key of a resource in these look-ups.
    public static func key(_ reference: ResourceReference) -> String { "\(reference.type):\(reference.id)" }

    /// The display name of the resource `reference` points at, if it was listed.
    public func name(of reference: ResourceReference) -> String? { resources[Self.key(reference)]?.displayName }

    /// Every resource that is a person.
    public var users: [Resource] { snapshot.resources.filter { userTypes.contains($0.type) } }

    /// The display name of an entitlement, or its id when it was never listed.
    public func entitlementName(_ id: String) -> String { entitlements[id]?.displayName ?? id }
}
