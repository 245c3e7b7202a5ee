/// What the host asks a syncer's `list` for.
///
/// A struct rather than parameters so that fields can be added with defaults.
public struct ListRequest: Sendable {
    /// The page to return; `nil` for the first.
    public var page: PageToken?

    /// Creates a request.
    public init(page: PageToken? = nil) {
        self.page = page
    }
}
