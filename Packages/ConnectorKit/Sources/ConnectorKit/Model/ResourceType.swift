/// A kind of resource a connector syncs, such as `user` or `team`.
///
/// The `id` is stable and short; it prefixes entitlement and grant ids.
public struct ResourceType: Codable, Hashable, Sendable {
    /// Stable identifier, e.g. `user`, `team`, `account`.
    public var id: String
    /// Human-readable name, e.g. `Team`.
    public var displayName: String
    /// What the resources of this type are, in Baton's vocabulary.
    public var traits: [ResourceTrait]

    /// Creates a resource type.
    public init(id: String, displayName: String, traits: [ResourceTrait]) {
        self.id = id
        self.displayName = displayName
        self.traits = traits
    }

    enum CodingKeys: String, CodingKey {
        case id, displayName = "display_name", traits
    }
}

/// A Baton trait: what a resource type stands for.
///
/// A struct over a string rather than an enum so that traits can be added without
/// breaking plugins that switch over them.
public struct ResourceTrait: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// The trait's wire name.
    public var rawValue: String
    /// Creates a trait from its wire name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A person or service account.
    public static let user = ResourceTrait(rawValue: "user")
    /// A set of principals, such as a team.
    public static let group = ResourceTrait(rawValue: "group")
    /// A role that principals hold.
    public static let role = ResourceTrait(rawValue: "role")
    /// An application or account as a whole.
    public static let app = ResourceTrait(rawValue: "app")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
