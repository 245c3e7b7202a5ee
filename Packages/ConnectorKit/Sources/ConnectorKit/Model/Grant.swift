/// A principal holding an entitlement: user 7 is a `member` of team 42.
public struct Grant: Codable, Hashable, Sendable {
    /// `<entitlement-id>:<principal-type>:<principal-id>`.
    public var id: String
    /// The id of the entitlement granted.
    public var entitlement: String
    /// Who holds it.
    public var principal: ResourceReference

    /// Creates a grant of `entitlement` to `principal`.
    public init(entitlement: Entitlement, principal: ResourceReference) {
        self.init(entitlementID: entitlement.id, principal: principal)
    }

    /// Creates a grant from an entitlement id.
    public init(entitlementID: String, principal: ResourceReference) {
        self.id = "\(entitlementID):\(principal.type):\(principal.id)"
        self.entitlement = entitlementID
        self.principal = principal
    }
}
