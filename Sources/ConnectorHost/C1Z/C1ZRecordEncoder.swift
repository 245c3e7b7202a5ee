import ConnectorKit

/// Encodes connhost records as the `c1.connector.v2` protobuf messages a `.c1z` stores in
/// its `data` columns, the way Baton's SDK builds them.
///
/// Field numbers and the mapping are in `notes/c1z-format.md` §5 and
/// `docs/snapshot-format.md` (c1z section). In short: a resource gets one trait
/// annotation per trait of its type (`UserTrait`, `GroupTrait`, `RoleTrait`, `AppTrait`)
/// carrying the profile; users also get emails, login, status and account type from the
/// profile keys `email`, `login`, `status`, `account_type`, and the same profile and
/// status on the `Resource` itself (`pkg/types/resource/resource.go`). Entitlements embed
/// their resource's id; grants embed the entitlement's id and resource id and the
/// principal's id, which older `baton` CLIs read.
public struct C1ZRecordEncoder {
    /// The `type_url` prefix of `google.protobuf.Any` annotations.
    public static let typeURLPrefix = "type.googleapis.com/c1.connector.v2."

    /// Creates an encoder.
    public init() {}

    // MARK: - Records

    /// A `ResourceType{1 id, 2 display_name, 3 traits (packed)}`; traits Baton has no
    /// number for are left out (its enum is closed).
    public func resourceType(_ type: ResourceType) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.string(1, type.id)
        writer.string(2, type.displayName)
        writer.packedVarints(3, Self.uniqueTraitNumbers(type.traits).map(UInt64.init))
        return writer.bytes
    }

    /// A `Resource` with a trait annotation for each of `traits` (its type's traits).
    ///
    /// The profile `Struct` is encoded once and its bytes reused for every place it goes
    /// (a length-delimited message field is its bytes): this runs once per synced resource.
    public func resource(_ resource: Resource, traits: [ResourceTrait]) -> [UInt8] {
        let profile = Self.structBytes(resource.profile)
        var writer = ProtobufWriter(capacity: 128 + 3 * profile.count)
        let isUser = traits.contains(.user)
        let status = Self.userStatus(resource.profile["status"])
        writer.message(1) { Self.writeResourceID(resource.reference, into: &$0) }
        if let parent = resource.parent {
            writer.message(2) { Self.writeResourceID(parent, into: &$0) }
        }
        writer.string(3, resource.displayName)
        for trait in Self.annotatedTraits(traits) {
            writer.message(4) { any in
                any.string(1, trait.typeURL)
                // Any.value is bytes: an empty trait (no profile) is an Any without value.
                any.message(2, omitIfEmpty: true) { body in
                    switch trait.number {
                    case 1: Self.writeUserTrait(resource.profile, profile: profile, status: status, into: &body)
                    case 2: body.bytes(2, profile)     // GroupTrait.profile
                    case 3: body.bytes(1, profile)     // RoleTrait.profile
                    default: body.bytes(4, profile)    // AppTrait.profile
                    }
                }
            }
        }
        writer.bytes(9, profile)
        if isUser {
            writer.message(11) { $0.varint(1, status) }
        }
        return writer.bytes
    }

    /// An `Entitlement{1 resource{id}, 2 id, 3 display_name, 7 purpose, 8 slug}`.
    public func entitlement(_ entitlement: Entitlement) -> [UInt8] {
        var writer = ProtobufWriter(capacity: 128)
        writer.message(1) { resource in resource.message(1) { Self.writeResourceID(entitlement.resource, into: &$0) } }
        writer.string(2, entitlement.id)
        writer.string(3, entitlement.displayName)
        writer.varint(7, Self.purposeNumber(entitlement.purpose))
        writer.string(8, entitlement.slug)
        return writer.bytes
    }

    /// A `Grant{1 entitlement{1 resource{id}, 2 id}, 2 principal{id}, 3 id}`;
    /// `entitlementResource` is the resource the granted entitlement belongs to.
    public func grant(_ grant: Grant, entitlementResource: ResourceReference) -> [UInt8] {
        var writer = ProtobufWriter(capacity: 128)
        writer.message(1) { entitlement in
            entitlement.message(1) { resource in resource.message(1) { Self.writeResourceID(entitlementResource, into: &$0) } }
            entitlement.string(2, grant.entitlement)
        }
        writer.message(2) { principal in principal.message(1) { Self.writeResourceID(grant.principal, into: &$0) } }
        writer.string(3, grant.id)
        return writer.bytes
    }

    // MARK: - Enums

    /// Baton's `ResourceType.Trait` numbers by connhost trait name (`TRAIT_USER` = 1, …).
    public static let traitNumbers: [String: Int] = [
        "user": 1, "group": 2, "role": 3, "app": 4, "secret": 5, "security_insight": 6, "scope_binding": 7,
        "vendor": 8, "vendor_agreement": 9, "license_profile": 10, "agent": 11, "managed_device": 12,
    ]

    /// `Entitlement.PurposeValue`: ASSIGNMENT = 1, PERMISSION = 2.
    static func purposeNumber(_ purpose: Entitlement.Purpose) -> UInt64 {
        switch purpose {
        case .assignment: return 1
        case .permission: return 2
        }
    }

    /// `UserTrait.Status.Status` (and `Resource.Status`, same numbers) from the profile's
    /// `status`: ENABLED = 1 unless it says disabled (2) or deleted (3).
    static func userStatus(_ text: String?) -> UInt64 {
        switch text?.lowercased() {
        case "disabled", "inactive", "suspended", "deactivated", "blocked": return 2
        case "deleted", "removed": return 3
        default: return 1
        }
    }

    /// `UserTrait.AccountType` from the profile's `account_type`: HUMAN = 1 unless it says
    /// service (2) or system (3).
    static func accountType(_ text: String?) -> UInt64 {
        switch text?.lowercased() {
        case "service": return 2
        case "system": return 3
        default: return 1
        }
    }

    /// The trait numbers of `traits`, once each, in declaration order.
    static func uniqueTraitNumbers(_ traits: [ResourceTrait]) -> [Int] {
        var seen = Set<Int>()
        return traits.compactMap { traitNumbers[$0.rawValue] }.filter { seen.insert($0).inserted }
    }

    /// The `type_url`s of the trait annotations connhost fills, by trait number.
    static let annotationURLs = [1: "UserTrait", 2: "GroupTrait", 3: "RoleTrait", 4: "AppTrait"].mapValues { typeURLPrefix + $0 }

    /// The traits that have an annotation message connhost can fill, with its type URL.
    static func annotatedTraits(_ traits: [ResourceTrait]) -> [(number: Int, typeURL: String)] {
        var annotated: [(number: Int, typeURL: String)] = []
        for trait in traits {
            guard let number = traitNumbers[trait.rawValue], let url = annotationURLs[number],
                  !annotated.contains(where: { $0.number == number }) else { continue }
            annotated.append((number, url))
        }
        return annotated
    }

    // MARK: - Messages

    /// `ResourceId{1 resource_type, 2 resource}`.
    static func writeResourceID(_ reference: ResourceReference, into writer: inout ProtobufWriter) {
        writer.string(1, reference.type)
        writer.string(2, reference.id)
    }

    /// A string → string profile as the bytes of a `Struct` message; empty for an empty
    /// profile, which writers then leave unset (`ProtobufWriter.bytes` omits empty bytes).
    static func structBytes(_ profile: [String: String]) -> [UInt8] {
        guard !profile.isEmpty else { return [] }
        var writer = ProtobufWriter(capacity: 256)
        ProtobufValue.writeStruct(strings: profile, into: &writer)
        return writer.bytes
    }

    /// `UserTrait{1 emails, 2 status, 3 profile, 5 account_type, 6 login}`; `profile` is
    /// the encoded `Struct` of `fields`.
    static func writeUserTrait(_ fields: [String: String], profile: [UInt8], status: UInt64, into writer: inout ProtobufWriter) {
        if let email = fields["email"], !email.isEmpty {
            writer.message(1) { address in
                address.string(1, email)
                address.bool(2, true)
            }
        }
        writer.message(2) { $0.varint(1, status) }
        writer.bytes(3, profile)
        writer.varint(5, accountType(fields["account_type"]))
        writer.string(6, fields["login"] ?? "")
    }
}
