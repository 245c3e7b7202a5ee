/// Hands out numbered pages in order while fetching the next few concurrently.
///
/// Once the first page says how many there are, up to `concurrency` later pages are in
/// flight while the caller works through the current one. The caller still asks for page
/// 1, 2, 3… in order, so records come out in the same order whatever the concurrency, and
/// at most `concurrency` pages wait in memory. Rate limits still apply: every fetch goes
/// through the same ``HTTPClient``.
public actor PagePrefetcher<Response: Sendable> {
    private let fetch: @Sendable (Int) async throws -> Response
    private let totalPages: @Sendable (Response) -> Int
    private let concurrency: Int
    private var inFlight: [Int: Task<Response, any Error>] = [:]
    private var knownTotal: Int?
    private var highestScheduled = 0

    /// Creates a prefetcher.
    /// - Parameters:
    ///   - concurrency: pages fetched ahead of the caller; 1 fetches on demand only.
    ///   - totalPages: reads the page count from a response (e.g. `pagination.totalPages`).
    ///   - fetch: fetches one 1-based page.
    public init(concurrency: Int, totalPages: @escaping @Sendable (Response) -> Int,
                fetch: @escaping @Sendable (Int) async throws -> Response) {
        self.concurrency = max(1, concurrency)
        self.totalPages = totalPages
        self.fetch = fetch
    }

    /// Page `number`, from the prefetched ones when it is there.
    public func page(_ number: Int) async throws -> Response {
        let task = inFlight.removeValue(forKey: number) ?? start(number)
        highestScheduled = max(highestScheduled, number)
        // The fetch runs in a task of its own: a cancelled caller (a sync that is stopping)
        // must cancel it, not wait for it.
        let response = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        if knownTotal == nil { knownTotal = totalPages(response) }
        if let total = knownTotal, concurrency > 1 {
            var next = highestScheduled + 1
            while next <= min(total, number + concurrency) {
                inFlight[next] = start(next)
                highestScheduled = next
                next += 1
            }
        }
        return response
    }

    private func start(_ number: Int) -> Task<Response, any Error> {
        let fetch = self.fetch
        return Task { try await fetch(number) }
    }

    deinit {
        for task in inFlight.values { task.cancel() }
    }
}
