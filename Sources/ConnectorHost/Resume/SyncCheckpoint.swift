import ConnectorKit

/// Where an interrupted sync continues: the next thing the engine would have fetched.
///
/// Saved with every page the engine writes, in the same SQLite transaction as that page's
/// records (see ``CheckpointStore``), so the records kept and the position always agree.
/// Resource types are walked in the session's syncer order; within a type the resource
/// page fetched with `pageToken` is fetched again on resume (the page in flight), and its
/// resources already kept are skipped by id.
public struct SyncCheckpoint: Equatable, Sendable {
    /// Which child listing of the current resource is under way.
    public enum Child: Equatable, Sendable {
        /// Entitlements continue with the page of this token.
        case entitlements(after: PageToken)
        /// Entitlements are done; grants continue from this token (`nil`: their first page).
        case grants(from: PageToken?)
    }

    /// Index of the syncer (resource type) under way; the syncer count means every listing is done.
    public var typeIndex: Int
    /// That resource type's id (for messages, and to notice syncers that changed order).
    public var typeID: String
    /// The token of the resource page under way (`nil`: the first page).
    public var pageToken: PageToken?
    /// The 1-based number of that page.
    public var pageNumber: Int
    /// Resources of that page whose record and children are all kept.
    public var resourcesDone: Int
    /// The resource whose children are under way, already kept; `nil` between resources.
    public var resourceID: String?
    /// Its child listing under way; `nil` between resources.
    public var child: Child?

    /// Creates a position.
    public init(typeIndex: Int, typeID: String, pageToken: PageToken?, pageNumber: Int,
                resourcesDone: Int = 0, resourceID: String? = nil, child: Child? = nil) {
        self.typeIndex = typeIndex
        self.typeID = typeID
        self.pageToken = pageToken
        self.pageNumber = pageNumber
        self.resourcesDone = resourcesDone
        self.resourceID = resourceID
        self.child = child
    }

    /// The position of a sync that has not fetched anything yet.
    public static func start(firstType: String) -> SyncCheckpoint {
        SyncCheckpoint(typeIndex: 0, typeID: firstType, pageToken: nil, pageNumber: 1)
    }
}
