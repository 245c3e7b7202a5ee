/// One synced object: a user, a team, an account.
public struct Resource: Codable, Hashable, Sendable {
    /// The resource type id, e.g. `user`.
    public var type: String
    /// The SaaS id, as a string.
    public var id: String
    /// The name a person would recognise.
    public var displayName: String
    /// The enclosing resource, when there is one.
    public var parent: ResourceReference?
    /// Flat string attributes: email, login, status, …
    public var profile: [String: String]

    /// Creates a resource.
    public init(type: String, id: String, displayName: String,
                parent: ResourceReference? = nil, profile: [String: String] = [:]) {
        self.type = type
        self.id = id
        self.displayName = displayName
        self.parent = parent
        self.profile = profile
    }

    /// This resource as a reference, for entitlements and grants.
    public var reference: ResourceReference { ResourceReference(type: type, id: id) }

    enum CodingKeys: String, CodingKey {
        case type, id, displayName = "display_name", parent, profile
    }
}
