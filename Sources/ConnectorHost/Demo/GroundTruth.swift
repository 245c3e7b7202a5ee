import ConnectorKit
import Foundation

/// The snapshot a fake tenant says a correct connector produces (`FakeSaaS --truth`).
public struct GroundTruth: Decodable {
    /// Expected resource types.
    public var resourceTypes: [ResourceType]
    /// Expected resources.
    public var resources: [Resource]
    /// Expected entitlements.
    public var entitlements: [Entitlement]
    /// Expected grants.
    public var grants: [Grant]

    enum CodingKeys: String, CodingKey {
        case resourceTypes = "resource_types", resources, entitlements, grants
    }

    /// Reads a ground-truth file.
    public static func load(path: String) throws -> GroundTruth {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HostError.failed("no ground truth at \(path)")
        }
        return try JSONDecoder().decode(GroundTruth.self, from: data)
    }

    /// What differs between this truth and `records`, one line each; empty when equal.
    public func differences(from records: [SnapshotRecord]) -> [String] {
        var types: [ResourceType] = [], resources: [Resource] = [], entitlements: [Entitlement] = [], grants: [Grant] = []
        for record in records {
            switch record {
            case .resourceType(let value): types.append(value)
            case .resource(let value): resources.append(value)
            case .entitlement(let value): entitlements.append(value)
            case .grant(let value): grants.append(value)
            }
        }
        return Self.compare("resource type", resourceTypes, types, key: \.id)
            + Self.compare("resource", self.resources, resources, key: { "\($0.type):\($0.id)" })
            + Self.compare("entitlement", self.entitlements, entitlements, key: \.id)
            + Self.compare("grant", self.grants, grants, key: \.id)
    }

    static func compare<T: Hashable>(_ label: String, _ expected: [T], _ actual: [T], key: (T) -> String) -> [String] {
        var lines: [String] = []
        let actualCounts = Dictionary(actual.map { (key($0), 1) }, uniquingKeysWith: +)
        for (id, count) in actualCounts where count > 1 { lines.append("duplicate \(label) \(id) (\(count)×)") }
        let expectedByID = Dictionary(expected.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let actualByID = Dictionary(actual.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        for id in expectedByID.keys.sorted() {
            guard let value = actualByID[id] else { lines.append("missing \(label) \(id)"); continue }
            if value != expectedByID[id] { lines.append("different \(label) \(id): \(value) != \(expectedByID[id]!)") }
        }
        for id in actualByID.keys.sorted() where expectedByID[id] == nil { lines.append("unexpected \(label) \(id)") }
        return lines
    }
}
