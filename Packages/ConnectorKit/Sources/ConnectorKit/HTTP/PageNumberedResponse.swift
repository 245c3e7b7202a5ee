/// An answer of a page-numbered listing, which says how many pages there are in its
/// `pagination` object (Aha!'s shape).
public protocol PageNumberedResponse: Decodable, Sendable {
    /// `total_records`, `total_pages`, `current_page`.
    var pagination: PageNumberPagination { get }
}
