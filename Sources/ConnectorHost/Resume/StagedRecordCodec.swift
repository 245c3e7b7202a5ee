import ConnectorKit
import Foundation

/// The staging file's compact binary form of a record: a kind byte, then each stored
/// field as a length-prefixed UTF-8 string.
///
/// A resumable sync writes every record twice (staged, then into the sink), so the staging
/// form must cost far less than the snapshot itself: `Codable` JSON took longer than the
/// rest of a 100,000-user sync. Resource types, a handful per sync, stay JSON. A field added
/// to the data model must be added here too (`CheckpointStoreTests` counts the fields).
enum StagedRecordCodec {
    private enum Kind: UInt8 { case resourceType = 0, resource, entitlement, grant }

    /// The bytes of `record`.
    static func encode(_ record: SnapshotRecord, into bytes: inout [UInt8]) throws {
        bytes.removeAll(keepingCapacity: true)
        switch record {
        case .resourceType(let type):
            bytes.append(Kind.resourceType.rawValue)
            bytes.append(contentsOf: try JSONEncoder().encode(type))
        case .resource(let resource):
            bytes.append(Kind.resource.rawValue)
            append(resource.type, &bytes)
            append(resource.id, &bytes)
            append(resource.displayName, &bytes)
            if let parent = resource.parent {
                bytes.append(1)
                append(parent.type, &bytes)
                append(parent.id, &bytes)
            } else {
                bytes.append(0)
            }
            appendLength(resource.profile.count, &bytes)
            for (key, value) in resource.profile {
                append(key, &bytes)
                append(value, &bytes)
            }
        case .entitlement(let entitlement):
            bytes.append(Kind.entitlement.rawValue)
            for field in [entitlement.id, entitlement.resource.type, entitlement.resource.id, entitlement.slug,
                          entitlement.displayName, entitlement.purpose.rawValue] {
                append(field, &bytes)
            }
        case .grant(let grant):
            bytes.append(Kind.grant.rawValue)
            for field in [grant.id, grant.entitlement, grant.principal.type, grant.principal.id] {
                append(field, &bytes)
            }
        }
    }

    /// The record in `bytes`; throws on bytes this codec did not write.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> SnapshotRecord {
        var reader = Reader(bytes: bytes)
        guard let kind = Kind(rawValue: try reader.byte()) else { throw Reader.damaged }
        switch kind {
        case .resourceType:
            return .resourceType(try JSONDecoder().decode(ResourceType.self, from: Data(bytes[1...])))
        case .resource:
            var resource = Resource(type: try reader.string(), id: try reader.string(), displayName: try reader.string())
            if try reader.byte() == 1 {
                resource.parent = ResourceReference(type: try reader.string(), id: try reader.string())
            }
            let count = try reader.length()
            var profile: [String: String] = [:]
            profile.reserveCapacity(count)
            for _ in 0..<count {
                let key = try reader.string()
                profile[key] = try reader.string()
            }
            resource.profile = profile
            return .resource(resource)
        case .entitlement:
            let id = try reader.string()
            let owner = ResourceReference(type: try reader.string(), id: try reader.string())
            let slug = try reader.string(), name = try reader.string()
            guard let purpose = Entitlement.Purpose(rawValue: try reader.string()) else { throw Reader.damaged }
            var entitlement = Entitlement(resource: owner, slug: slug, displayName: name, purpose: purpose)
            entitlement.id = id
            return .entitlement(entitlement)
        case .grant:
            let id = try reader.string(), entitlementID = try reader.string()
            var grant = Grant(entitlementID: entitlementID, principal: ResourceReference(type: try reader.string(), id: try reader.string()))
            grant.id = id
            return .grant(grant)
        }
    }

    private static func append(_ text: String, _ bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            appendLength(utf8.count, &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    /// LEB128, as protobuf writes lengths.
    private static func appendLength(_ length: Int, _ bytes: inout [UInt8]) {
        var value = UInt64(length)
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private struct Reader {
        static let damaged = HostError.failed("a staged record is damaged")
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Self.damaged }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func length() throws -> Int {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 63 else { throw Self.damaged }
                value |= UInt64(next & 0x7F) << shift
                if next < 0x80 { break }
                shift += 7
            }
            guard value <= UInt64(bytes.count - offset) else { throw Self.damaged }
            return Int(value)
        }

        mutating func string() throws -> String {
            let count = try length()
            defer { offset += count }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
        }
    }
}
