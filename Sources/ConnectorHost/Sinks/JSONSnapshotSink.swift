import ConnectorKit
import Foundation

/// Writes the `connhost.snapshot/v1` JSON document: every array sorted by id, one record
/// per line so that two snapshots diff well.
///
/// Sorting needs every record, so this sink holds the snapshot in memory; use `sqlite`
/// or `ndjson` for very large tenants.
public final class JSONSnapshotSink: SnapshotSink {
    /// The format name inside the document.
    public static let format = "connhost.snapshot/v1"

    private let destination: String
    private var connector = ""
    private var resourceTypes: [ResourceType] = []
    private var resources: [Resource] = []
    private var entitlements: [Entitlement] = []
    private var grants: [Grant] = []

    /// Creates a sink that will write `destination` on commit.
    public init(destination: String) {
        self.destination = destination
    }

    public func begin(connector: String, pluginVersion: String) throws {
        self.connector = connector
    }

    public func write(_ record: SnapshotRecord) throws {
        switch record {
        case .resourceType(let value): resourceTypes.append(value)
        case .resource(let value): resources.append(value)
        case .entitlement(let value): entitlements.append(value)
        case .grant(let value): grants.append(value)
        }
    }

    public func commit(_ summary: SyncSummary) throws {
        let file = try AtomicFile(destination: destination)
        do {
            let encoder = RecordEncoder()
            try file.write("{\"format\":\(encoder.string(Self.format)),\n\"connector\":\(encoder.string(connector)),\n")
            try file.write("\"synced_at\":\(encoder.string(Timestamp.iso8601(summary.startedAt))),\n")
            try Self.writeArray("resource_types", resourceTypes.sorted { $0.id < $1.id }, to: file, encoder)
            try file.write(",\n")
            try Self.writeArray("resources", resources.sorted { ($0.id, $0.type) < ($1.id, $1.type) }, to: file, encoder)
            try file.write(",\n")
            try Self.writeArray("entitlements", entitlements.sorted { $0.id < $1.id }, to: file, encoder)
            try file.write(",\n")
            try Self.writeArray("grants", grants.sorted { $0.id < $1.id }, to: file, encoder)
            try file.write("\n}\n")
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    public func abort() {
        resources = []
        entitlements = []
        grants = []
    }

    private static func writeArray<T: Encodable>(_ key: String, _ items: [T], to file: AtomicFile, _ encoder: RecordEncoder) throws {
        try file.write("\"\(key)\":[")
        for (index, item) in items.enumerated() {
            try file.write(index == 0 ? "\n" : ",\n")
            try file.write(encoder.encode(item))
        }
        try file.write(items.isEmpty ? "]" : "\n]")
    }
}
