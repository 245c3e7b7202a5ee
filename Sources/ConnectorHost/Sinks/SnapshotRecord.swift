import ConnectorKit

/// One item of a snapshot as it streams from the engine to a sink.
///
/// Encoded as the item's own fields plus `"kind"`: the NDJSON line format, also used on
/// the pipe from an isolated worker.
public enum SnapshotRecord: Codable, Hashable, Sendable {
    case resourceType(ResourceType)
    case resource(Resource)
    case entitlement(Entitlement)
    case grant(Grant)

    /// The `kind` field's value.
    public var kind: String {
        switch self {
        case .resourceType: return "resource_type"
        case .resource: return "resource"
        case .entitlement: return "entitlement"
        case .grant: return "grant"
        }
    }

    /// The record's id (resource ids are only unique within their type).
    public var id: String {
        switch self {
        case .resourceType(let value): return value.id
        case .resource(let value): return value.id
        case .entitlement(let value): return value.id
        case .grant(let value): return value.id
        }
    }

    enum KindKey: String, CodingKey { case kind }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(String.self, forKey: .kind)
        switch kind {
        case "resource_type": self = .resourceType(try ResourceType(from: decoder))
        case "resource": self = .resource(try Resource(from: decoder))
        case "entitlement": self = .entitlement(try Entitlement(from: decoder))
        case "grant": self = .grant(try Grant(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: try decoder.container(keyedBy: KindKey.self),
                                                   debugDescription: "unknown record kind '\(kind)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .resourceType(let value): try value.encode(to: encoder)
        case .resource(let value): try value.encode(to: encoder)
        case .entitlement(let value): try value.encode(to: encoder)
        case .grant(let value): try value.encode(to: encoder)
        }
    }
}
