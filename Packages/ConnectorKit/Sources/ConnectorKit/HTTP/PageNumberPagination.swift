/// The `pagination` object of page-numbered REST APIs such as Aha!'s:
/// `{"total_records": N, "total_pages": P, "current_page": C}`.
///
/// The next page is decided by `total_pages`, never by whether a page looked full.
public struct PageNumberPagination: Decodable, Hashable, Sendable {
    /// Records across all pages.
    public var totalRecords: Int
    /// Pages in all; 0 for an empty list.
    public var totalPages: Int
    /// The 1-based page this response is.
    public var currentPage: Int

    /// Creates a pagination record.
    public init(totalRecords: Int, totalPages: Int, currentPage: Int) {
        self.totalRecords = totalRecords
        self.totalPages = totalPages
        self.currentPage = currentPage
    }

    /// The token for the page after `page`, or `nil` when `page` was the last.
    public func nextToken(after page: Int) -> PageToken? {
        page < totalPages ? .page(page + 1) : nil
    }

    enum CodingKeys: String, CodingKey {
        case totalRecords = "total_records", totalPages = "total_pages", currentPage = "current_page"
    }
}
