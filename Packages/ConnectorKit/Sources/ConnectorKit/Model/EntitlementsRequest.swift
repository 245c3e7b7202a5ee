/// What the host asks a syncer's `entitlements` for.
///
/// A struct rather than parameters so that fields can be added with defaults.
public struct EntitlementsRequest: Sendable {
    /// The resource whose entitlements are listed.
    public var resource: Resource
    /// The page to return; `nil` for the first.
    public var page: PageToken?

    /// Creates a request.
    public init(resource: Resource, page: PageToken? = nil) {
        self.resource = resource
        self.page = page
    }
}
