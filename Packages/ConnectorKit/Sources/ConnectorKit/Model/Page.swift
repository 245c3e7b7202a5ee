/// One page of results and the token for the next; a `nil` token means done.
public struct Page<Item: Sendable>: Sendable {
    /// The items on this page.
    public var items: [Item]
    /// Where to continue, or `nil` when this was the last page.
    public var next: PageToken?

    /// Creates a page.
    public init(_ items: [Item], next: PageToken? = nil) {
        self.items = items
        self.next = next
    }

    /// A last page with no items.
    public static var empty: Page { Page([]) }
}

/// An opaque position in a paged listing, chosen by the connector.
///
/// The host passes back whatever the connector returned and rejects a token that comes
/// back unchanged, which would otherwise loop forever.
///
/// A resumed sync calls the syncer again, in a new process, with a token saved in its
/// checkpoint: a token must hold everything needed to continue (not only the syncer's
/// memory), survive as a string, and give the same page again for as long as a checkpoint
/// lives (24 hours by default). `connhost check-plugin` checks this (`resume-tokens`).
public struct PageToken: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The connector's own encoding of the position.
    public var rawValue: String
    /// Creates a token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a token from a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A token for a 1-based page number.
    public static func page(_ number: Int) -> PageToken { PageToken(rawValue: String(number)) }

    /// The page number this token stands for; `nil` for the first page gives 1.
    public static func pageNumber(_ token: PageToken?) throws -> Int {
        guard let token else { return 1 }
        guard let number = Int(token.rawValue), number >= 1 else {
            throw ConnectorError.other("invalid page token '\(token.rawValue)'")
        }
        return number
    }

    public var description: String { rawValue }
}
