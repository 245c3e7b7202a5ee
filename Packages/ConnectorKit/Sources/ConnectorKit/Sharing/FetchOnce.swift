/// A value fetched on first use and shared by every caller, such as an account that two
/// syncers both need: one request, however many ask, concurrently or later.
///
/// A failed fetch is shared too (the sync stops with its error rather than asking again),
/// and so is a cancelled one: a caller that is cancelled cancels the fetch, since it runs
/// for one sync, which is then stopping.
public actor FetchOnce<Value: Sendable> {
    private let fetch: @Sendable () async throws -> Value
    private var task: Task<Value, any Error>?

    /// Creates a value that `fetch` will produce when first asked for.
    public init(_ fetch: @escaping @Sendable () async throws -> Value) {
        self.fetch = fetch
    }

    /// The value, fetched now if no one asked before.
    public var value: Value {
        get async throws {
            let shared = task ?? Task { [fetch] in try await fetch() }
            task = shared
            return try await withTaskCancellationHandler { try await shared.value } onCancel: { shared.cancel() }
        }
    }
}
