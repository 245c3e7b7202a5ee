/// Something a principal can be granted on a resource, such as team membership.
public struct Entitlement: Codable, Hashable, Sendable {
    /// Whether holding the entitlement means belonging or being allowed.
    public enum Purpose: String, Codable, Sendable {
        /// Membership or assignment, e.g. a team's `member`.
        case assignment
        /// A permission, e.g. an admin right.
        case permission
    }

    /// `<type>:<resource-id>:<slug>`, e.g. `team:42:member`.
    public var id: String
    /// The resource the entitlement belongs to.
    public var resource: ResourceReference
    /// Short name within the resource, e.g. `member`.
    public var slug: String
    /// Human-readable name.
    public var displayName: String
    /// Assignment or permission.
    public var purpose: Purpose

    /// Creates an entitlement; its id is derived from the resource and slug.
    public init(resource: ResourceReference, slug: String, displayName: String, purpose: Purpose = .assignment) {
        self.id = Entitlement.id(resource: resource, slug: slug)
        self.resource = resource
        self.slug = slug
        self.displayName = displayName
        self.purpose = purpose
    }

    /// The id an entitlement with this resource and slug has.
    public static func id(resource: ResourceReference, slug: String) -> String {
        "\(resource.type):\(resource.id):\(slug)"
    }

    enum CodingKeys: String, CodingKey {
        case id, resource, slug, displayName = "display_name", purpose
    }
}
