import ConnectorKit
import Foundation

/// Everything one committed snapshot holds, whatever format it was written in.
///
/// The arrays are kept in one canonical order (resource types and entitlements and
/// grants by id, resources by type then id) so that the same sync read from SQLite, JSON
/// or NDJSON gives equal values. Format-specific details (plugin version, request
/// counts) are left out for the same reason.
public struct Snapshot: Hashable, Sendable {
    /// The connector that produced the snapshot, e.g. `aha`.
    public var connector: String
    /// When the sync started, if the snapshot records it.
    public var syncedAt: Date?
    /// The resource types the connector declared.
    public var resourceTypes: [ResourceType]
    /// Every resource, by type then id.
    public var resources: [Resource]
    /// Every entitlement, by id.
    public var entitlements: [Entitlement]
    /// Every grant, by id.
    public var grants: [Grant]

    /// Creates a snapshot; the arrays are sorted into the canonical order.
    public init(connector: String, syncedAt: Date? = nil, resourceTypes: [ResourceType] = [],
                resources: [Resource] = [], entitlements: [Entitlement] = [], grants: [Grant] = []) {
        self.connector = connector
        self.syncedAt = syncedAt
        self.resourceTypes = Self.sorted(resourceTypes) { ("", $0.id) }
        self.resources = Self.sorted(resources) { ($0.type, $0.id) }
        self.entitlements = Self.sorted(entitlements) { ("", $0.id) }
        self.grants = Self.sorted(grants) { ("", $0.id) }
    }

    /// Resources per type: every declared type (zero when it has none) and any type a
    /// resource uses without a declaration.
    public var resourceCounts: [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: resourceTypes.map { ($0.id, 0) })
        for resource in resources { counts[resource.type, default: 0] += 1 }
        return counts
    }

    /// The resource type ids `resourceCounts` knows, in canonical order.
    public var typeIDs: [String] {
        resourceCounts.keys.sorted(by: Self.precedes)
    }

    /// The resources of one type, by id.
    public func resources(ofType type: String) -> [Resource] {
        resources.filter { $0.type == type }
    }

    /// The canonical id order: plain decimal ids numerically (so `user:9` comes before
    /// `user:10`), then everything else in Swift's `String` order.
    ///
    /// Numeric-aware because most SaaS ids are numbers and people read the listings;
    /// byte order would put 10 before 9.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        OrderKey(a) < OrderKey(b)
    }

    /// `items` in canonical order of the (type, id) pairs `key` gives.
    ///
    /// Keys are parsed once per item and indices sorted, not the items: comparing
    /// integers keeps 100,000 resources quick even in debug builds.
    static func sorted<T>(_ items: [T], by key: (T) -> (String, String)) -> [T] {
        let pairs = items.map(key)
        let types = Set(pairs.map(\.0)).sorted(by: precedes)
        let typeRank = Dictionary(uniqueKeysWithValues: types.enumerated().map { ($1, $0) })
        let keys = pairs.map { (typeRank[$0.0]!, OrderKey($0.1)) }
        return keys.indices.sorted { a, b in
            keys[a].0 != keys[b].0 ? keys[a].0 < keys[b].0 : keys[a].1 < keys[b].1
        }.map { items[$0] }
    }

    /// An id parsed once for `precedes`: decimal ids first, by magnitude.
    struct OrderKey: Comparable {
        /// 0 for decimal ids that fit 64 bits, 1 for longer ones, 2 for the rest.
        let rank: Int
        /// The value of a rank-0 id.
        let number: UInt64
        /// The digits of a rank-1 id without leading zeros.
        let significant: Substring
        /// The id as given: the tie-breaker (`007` before `7`) and the key of other ids.
        let text: String

        init(_ text: String) {
            self.text = text
            let decimal = !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            significant = decimal ? text.drop { $0 == "0" } : ""
            if decimal, significant.utf8.count <= 19, let value = UInt64(significant.isEmpty ? "0" : significant) {
                rank = 0
                number = value
            } else {
                // More than 19 digits is larger than any rank-0 id, so magnitude order holds.
                rank = decimal ? 1 : 2
                number = 0
            }
        }

        static func < (a: OrderKey, b: OrderKey) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            if a.rank == 0 && a.number != b.number { return a.number < b.number }
            if a.rank == 1 {
                // ASCII digits without leading zeros: the longer number is the larger one.
                let aCount = a.significant.utf8.count, bCount = b.significant.utf8.count
                if aCount != bCount { return aCount < bCount }
                if a.significant != b.significant { return a.significant < b.significant }
            }
            return a.text < b.text
        }
    }
}
