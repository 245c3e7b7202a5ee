/// Points at one resource by its type and id.
public struct ResourceReference: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The resource type id, e.g. `user`.
    public var type: String
    /// The SaaS id of the resource, as a string.
    public var id: String

    /// Creates a reference.
    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// `type:id`, the form used inside entitlement and grant ids.
    public var description: String { "\(type):\(id)" }
}
