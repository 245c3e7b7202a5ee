import ConnectorKit

/// Decodes the `c1.connector.v2` protobuf messages of a `.c1z` back into connhost records.
///
/// The inverse of `C1ZRecordEncoder` for files connhost wrote, and a best effort for
/// files Baton connectors wrote: unknown fields are skipped, a profile comes from
/// `Resource.profile` or else from the first trait annotation that has one, and a user's
/// primary email, login and a non-enabled status fill the profile keys `email`, `login`
/// and `status` when the profile lacks them (connhost writes those from the same keys,
/// so its own files read back unchanged). Profile values that are not strings become
/// text (`42`, `true`, JSON for lists and structs); nulls are dropped.
public struct C1ZRecordDecoder {
    /// Creates a decoder.
    public init() {}

    /// Reads a `ResourceType`; trait numbers Baton defines become their names, others `trait_<n>`.
    public func resourceType(_ bytes: [UInt8]) throws -> ResourceType {
        var reader = ProtobufReader(bytes)
        var type = ResourceType(id: "", displayName: "", traits: [])
        var numbers: [UInt64] = []
        while let field = try reader.next() {
            switch field.number {
            case 1: try reader.expect(field, 2, "id"); type.id = try reader.string()
            case 2: try reader.expect(field, 2, "display_name"); type.displayName = try reader.string()
            case 3: numbers += try reader.varints(field)
            default: try reader.skip(field)
            }
        }
        type.traits = numbers.filter { $0 != 0 }.map { number in
            ResourceTrait(rawValue: Self.traitNames[Int(clamping: number)] ?? "trait_\(number)")
        }
        return type
    }

    /// Reads a `Resource` with its profile (see the type's summary for where it comes from).
    public func resource(_ bytes: [UInt8]) throws -> Resource {
        var reader = ProtobufReader(bytes)
        var id = ResourceReference(type: "", id: "")
        var parent: ResourceReference?
        var displayName = ""
        var profile: [String: String]?
        var traitProfile: [String: String]?
        var user: UserTrait?
        while let field = try reader.next() {
            switch field.number {
            case 1: try reader.expect(field, 2, "id"); var nested = try reader.message(); id = try Self.resourceID(&nested)
            case 2: try reader.expect(field, 2, "parent_resource_id"); var nested = try reader.message(); parent = try Self.resourceID(&nested)
            case 3: try reader.expect(field, 2, "display_name"); displayName = try reader.string()
            case 4:
                try reader.expect(field, 2, "annotations")
                var any = try reader.message()
                let (name, payload) = try Self.any(&any)
                guard let payload else { continue }
                var trait = ProtobufReader(payload)
                switch name {
                case "UserTrait":
                    let decoded = try Self.userTrait(&trait)
                    if user == nil { user = decoded }
                    if traitProfile == nil { traitProfile = decoded.profile }
                case "GroupTrait", "RoleTrait", "AppTrait":
                    let profileField = name == "GroupTrait" ? 2 : name == "RoleTrait" ? 1 : 4
                    if traitProfile == nil { traitProfile = try Self.profile(field: profileField, in: &trait) }
                default: break
                }
            case 9: try reader.expect(field, 2, "profile"); var nested = try reader.message(); profile = try Self.strings(&nested)
            default: try reader.skip(field)
            }
        }
        var merged = profile ?? traitProfile ?? [:]
        if let user {
            if merged["email"] == nil, let email = user.email { merged["email"] = email }
            if merged["login"] == nil, !user.login.isEmpty { merged["login"] = user.login }
            if merged["status"] == nil, let status = Self.statusNames[user.status] { merged["status"] = status }
        }
        return Resource(type: id.type, id: id.id, displayName: displayName, parent: parent, profile: merged)
    }

    /// Reads an `Entitlement`; a missing slug is taken from the id after `<type>:<resource>:`.
    /// Purposes connhost lacks map to the nearest: OWNERSHIP to permission, unset to assignment.
    public func entitlement(_ bytes: [UInt8]) throws -> Entitlement {
        var reader = ProtobufReader(bytes)
        var resource = ResourceReference(type: "", id: "")
        var id = "", displayName = "", slug = ""
        var purpose: UInt64 = 0
        while let field = try reader.next() {
            switch field.number {
            case 1:
                try reader.expect(field, 2, "resource")
                var nested = try reader.message()
                while let inner = try nested.next() {
                    if inner.number == 1 && inner.wireType == 2 {
                        var resourceID = try nested.message()
                        resource = try Self.resourceID(&resourceID)
                    } else {
                        try nested.skip(inner)
                    }
                }
            case 2: try reader.expect(field, 2, "id"); id = try reader.string()
            case 3: try reader.expect(field, 2, "display_name"); displayName = try reader.string()
            case 7: try reader.expect(field, 0, "purpose"); purpose = try reader.varint()
            case 8: try reader.expect(field, 2, "slug"); slug = try reader.string()
            default: try reader.skip(field)
            }
        }
        if slug.isEmpty {
            let prefix = "\(resource.type):\(resource.id):"
            slug = id.hasPrefix(prefix) ? String(id.dropFirst(prefix.count)) : id
        }
        var entitlement = Entitlement(resource: resource, slug: slug, displayName: displayName,
                                      purpose: purpose == 2 || purpose == 3 ? .permission : .assignment)
        entitlement.id = id
        return entitlement
    }

    // MARK: - Enums

    /// Trait names by Baton's `ResourceType.Trait` number.
    static let traitNames = Dictionary(uniqueKeysWithValues: C1ZRecordEncoder.traitNumbers.map { ($1, $0) })

    /// Profile `status` words for the user statuses that are not ENABLED.
    static let statusNames: [UInt64: String] = [2: "disabled", 3: "deleted"]

    // MARK: - Messages

    /// What a `UserTrait` contributes to a profile.
    struct UserTrait {
        var email: String?
        var status: UInt64 = 0
        var profile: [String: String]?
        var login = ""
    }

    static func userTrait(_ reader: inout ProtobufReader) throws -> UserTrait {
        var trait = UserTrait()
        var firstEmail: String?, primaryEmail: String?
        while let field = try reader.next() {
            switch field.number {
            case 1:
                try reader.expect(field, 2, "emails")
                var email = try reader.message()
                var address = "", primary = false
                while let part = try email.next() {
                    switch part.number {
                    case 1: try email.expect(part, 2, "address"); address = try email.string()
                    case 2: try email.expect(part, 0, "is_primary"); primary = try email.varint() != 0
                    default: try email.skip(part)
                    }
                }
                if firstEmail == nil { firstEmail = address }
                if primary && primaryEmail == nil { primaryEmail = address }
            case 2:
                try reader.expect(field, 2, "status")
                var status = try reader.message()
                while let part = try status.next() {
                    if part.number == 1 && part.wireType == 0 { trait.status = try status.varint() } else { try status.skip(part) }
                }
            case 3: try reader.expect(field, 2, "profile"); var nested = try reader.message(); trait.profile = try strings(&nested)
            case 6: try reader.expect(field, 2, "login"); trait.login = try reader.string()
            default: try reader.skip(field)
            }
        }
        trait.email = (primaryEmail ?? firstEmail).flatMap { $0.isEmpty ? nil : $0 }
        return trait
    }

    /// The `Struct` at `field` of a trait message, if set.
    static func profile(field number: Int, in reader: inout ProtobufReader) throws -> [String: String]? {
        var profile: [String: String]?
        while let field = try reader.next() {
            if field.number == number && field.wireType == 2 {
                var nested = try reader.message()
                profile = try strings(&nested)
            } else {
                try reader.skip(field)
            }
        }
        return profile
    }

    /// A `Struct` as a string → string profile.
    static func strings(_ reader: inout ProtobufReader) throws -> [String: String] {
        try ProtobufValue.readStruct(&reader).compactMapValues(\.text)
    }

    /// `ResourceId{1 resource_type, 2 resource}`.
    static func resourceID(_ reader: inout ProtobufReader) throws -> ResourceReference {
        var reference = ResourceReference(type: "", id: "")
        while let field = try reader.next() {
            switch field.number {
            case 1: try reader.expect(field, 2, "resource_type"); reference.type = try reader.string()
            case 2: try reader.expect(field, 2, "resource"); reference.id = try reader.string()
            default: try reader.skip(field)
            }
        }
        return reference
    }

    /// An `Any`: the message name after the `c1.connector.v2.` type URL prefix (or the
    /// whole URL for foreign types) and its payload; a set but empty trait has no payload.
    static func any(_ reader: inout ProtobufReader) throws -> (String, [UInt8]?) {
        var url = "", value: [UInt8]?
        while let field = try reader.next() {
            switch field.number {
            case 1: try reader.expect(field, 2, "type_url"); url = try reader.string()
            case 2: try reader.expect(field, 2, "value"); value = try reader.bytes()
            default: try reader.skip(field)
            }
        }
        let name = url.hasPrefix(C1ZRecordEncoder.typeURLPrefix) ? String(url.dropFirst(C1ZRecordEncoder.typeURLPrefix.count)) : url
        return (name, value ?? (name.hasSuffix("Trait") ? [] : nil))
    }
}
