/// A session made of its syncers and a validation call, for connectors whose session
/// needs no type of its own.
public struct SyncSession: ConnectorSession {
    /// One syncer per resource type, in the order the host should sync them.
    public let syncers: [any ResourceSyncer]
    private let check: @Sendable () async throws -> String

    /// Creates a session; `validate` makes one cheap authenticated call and describes what
    /// it reached (``ConnectorSession/validate()``).
    public init(syncers: [any ResourceSyncer], validate: @escaping @Sendable () async throws -> String) {
        self.syncers = syncers
        self.check = validate
    }

    public func validate() async throws -> String {
        try await check()
    }
}
