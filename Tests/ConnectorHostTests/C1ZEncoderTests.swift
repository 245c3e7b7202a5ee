import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// Hex helpers for byte vectors.
enum Hex {
    static func string(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }
}

/// The protobuf encoder and the c1z record encoding: the golden vectors of
/// `notes/c1z-format.md` §6 byte for byte, and proto3's encoding rules one by one.
@Suite struct C1ZEncoderTests {
    // MARK: - Golden vectors (notes/c1z-format.md §6)

    static let goldenResourceType = "0a04757365721204557365721a0101"
    static let goldenResource = "0a0d0a04757365721205616c6963651a05416c6963652287010a2d747970652e676f6f676c65617069732e636f6d2f63312e636f6e6e6563746f722e76322e55736572547261697412560a150a11616c696365406578616d706c652e636f6d1001120208011a300a1c0a05656d61696c12131a11616c696365406578616d706c652e636f6d0a100a056c6f67696e12071a05616c69636528013205616c6963654a300a1c0a05656d61696c12131a11616c696365406578616d706c652e636f6d0a100a056c6f67696e12071a05616c6963655a020801"
    static let goldenGrant = "0a280a110a0f0a0567726f7570120661646d696e73121367726f75703a61646d696e733a6d656d626572120f0a0d0a04757365721205616c6963651a1e67726f75703a61646d696e733a6d656d6265723a757365723a616c696365"

    static let alice = Resource(type: "user", id: "alice", displayName: "Alice",
                                profile: ["email": "alice@example.com", "login": "alice"])

    @Test func resourceTypeMatchesTheGoldenVector() {
        let bytes = C1ZRecordEncoder().resourceType(ResourceType(id: "user", displayName: "User", traits: [.user]))
        #expect(Hex.string(bytes) == Self.goldenResourceType)
    }

    @Test func userResourceMatchesTheGoldenVector() {
        let bytes = C1ZRecordEncoder().resource(Self.alice, traits: [.user])
        #expect(Hex.string(bytes) == Self.goldenResource)
    }

    @Test func grantMatchesTheGoldenVector() {
        let entitlement = Entitlement(resource: ResourceReference(type: "group", id: "admins"), slug: "member", displayName: "")
        let grant = Grant(entitlement: entitlement, principal: ResourceReference(type: "user", id: "alice"))
        #expect(grant.id == "group:admins:member:user:alice")
        let bytes = C1ZRecordEncoder().grant(grant, entitlementResource: entitlement.resource)
        #expect(Hex.string(bytes) == Self.goldenGrant)
    }

    /// The vectors above are the ones the team's notes give. The notes live beside the
    /// repository (`../shared`), not in it, so this cross-check runs only where they are.
    @Test(.enabled(if: TeamNotes.c1zFormat != nil, "the team's notes ../shared/notes/c1z-format.md are not beside this clone"))
    func whereTheTeamNotesArePresentGoldenVectorsAreTheNotes() throws {
        let text = try #require(TeamNotes.c1zFormat)
        let vectors = text.split(separator: "\n").filter { line in
            line.hasPrefix("`") && line.hasSuffix("`") && line.dropFirst().dropLast().allSatisfy(\.isHexDigit)
        }.map { String($0.dropFirst().dropLast()) }
        #expect(vectors == [Self.goldenResourceType, Self.goldenResource, Self.goldenGrant])
    }

    // MARK: - Wire rules

    @Test(arguments: [
        (UInt64(0), "0800"), (1, "0801"), (127, "087f"), (128, "088001"), (300, "08ac02"), (16_384, "08808001"),
        (UInt64.max, "08ffffffffffffffffff01"),
    ])
    func varintsAreBase128LeastSignificantFirst(_ value: UInt64, _ hex: String) throws {
        var writer = ProtobufWriter()
        writer.varint(1, value, explicit: true)
        #expect(Hex.string(writer.bytes) == hex)
        var reader = ProtobufReader(writer.bytes)
        #expect(try reader.next() == ProtobufReader.Field(number: 1, wireType: 0))
        #expect(try reader.varint() == value)
        #expect(reader.isAtEnd)
    }

    @Test func negativeIntsTakeTenBytes() {
        var writer = ProtobufWriter()
        writer.int(2, -1)
        #expect(Hex.string(writer.bytes) == "10ffffffffffffffffff01")
    }

    @Test func defaultsAreOmittedUnlessExplicit() {
        var writer = ProtobufWriter()
        writer.string(1, "")
        writer.varint(2, 0)
        writer.bool(3, false)
        writer.double(4, 0)
        writer.bytes(5, [UInt8]())
        writer.packedVarints(6, [])
        #expect(writer.bytes.isEmpty)
        writer.string(1, "", explicit: true)
        writer.bool(4, false, explicit: true)
        #expect(Hex.string(writer.bytes) == "0a002000")
    }

    @Test func setMessagesAreWrittenEvenWhenEmpty() {
        var writer = ProtobufWriter()
        writer.message(4) { _ in }
        writer.message(11) { $0.varint(1, 1) }
        #expect(Hex.string(writer.bytes) == "22005a020801")
    }

    @Test func emptyBytesMessagesAreOmitted() {
        var writer = ProtobufWriter()
        writer.message(1) { any in
            any.string(1, "t")
            any.message(2, omitIfEmpty: true) { _ in }
            any.message(3, omitIfEmpty: true) { $0.varint(1, 1) }
        }
        #expect(Hex.string(writer.bytes) == "0a070a01741a020801")
    }

    /// A group without a profile: `GroupTrait{}` is an `Any` with only its type URL.
    @Test func emptyTraitIsAnAnyWithoutValue() {
        let bytes = C1ZRecordEncoder().resource(Resource(type: "team", id: "7", displayName: "T"), traits: [.group])
        let url = Hex.string(Array("type.googleapis.com/c1.connector.v2.GroupTrait".utf8))
        #expect(Hex.string(bytes) == "0a090a047465616d1201371a0154" + "2230" + "0a2e" + url)
    }

    @Test func fieldNumbersAbove15TakeTwoKeyBytes() {
        var writer = ProtobufWriter()
        writer.string(16, "x")
        #expect(Hex.string(writer.bytes) == "82010178")
    }

    @Test func doublesAreLittleEndian() {
        var writer = ProtobufWriter()
        writer.double(2, 1.5)
        #expect(Hex.string(writer.bytes) == "11000000000000f83f")
        writer.reset()
        writer.double(2, -0.0)
        #expect(Hex.string(writer.bytes) == "110000000000000080")
    }

    @Test func repeatedEnumsArePacked() {
        var writer = ProtobufWriter()
        writer.packedVarints(3, [1, 2, 300])
        #expect(Hex.string(writer.bytes) == "1a040102ac02")
    }

    /// The one-byte length placeholder widens for long bodies, at every nesting level.
    @Test(arguments: [0, 1, 127, 128, 129, 300, 16_383, 16_384, 70_000])
    func nestedLengthsWidenAsNeeded(_ length: Int) throws {
        let text = String(repeating: "é", count: length / 2) + (length % 2 == 1 ? "x" : "")
        var writer = ProtobufWriter()
        writer.message(1) { outer in
            outer.message(2) { $0.string(3, text) }
            outer.varint(4, 9)
        }
        writer.varint(5, 7)
        // Decoding it back checks every length prefix.
        var reader = ProtobufReader(writer.bytes)
        var outer = ProtobufReader([])
        #expect(try reader.next()?.number == 1)
        outer = try reader.message()
        #expect(try outer.next()?.number == 2)
        var inner = try outer.message()
        if length > 0 {
            #expect(try inner.next()?.number == 3)
            #expect(try inner.string() == text)
        }
        #expect(inner.isAtEnd)
        #expect(try outer.next()?.number == 4)
        #expect(try outer.varint() == 9)
        #expect(outer.isAtEnd)
        #expect(try reader.next()?.number == 5)
        #expect(try reader.varint() == 7)
        #expect(reader.isAtEnd)
    }

    @Test func structKeysAreSortedByUTF8Bytes() throws {
        var writer = ProtobufWriter()
        ProtobufValue.writeStruct(strings: ["é": "1", "b": "2", "Z": "3", "a": "4", "": "5"], into: &writer)
        var reader = ProtobufReader(writer.bytes)
        var keys: [String] = []
        while let field = try reader.next() {
            #expect(field.number == 1)
            var entry = try reader.message()
            _ = try entry.next()
            keys.append(try entry.string())
        }
        #expect(keys == ["", "Z", "a", "b", "é"])
    }

    @Test func valueWritesItsSetMemberEvenWhenDefault() throws {
        let cases: [(ProtobufValue, String)] = [
            (.null, "0800"), (.bool(false), "2000"), (.bool(true), "2001"), (.string(""), "1a00"),
            (.number(0), "110000000000000000"), (.structure([:]), "2a00"), (.list([]), "3200"),
            (.list([.string("a"), .bool(false)]), "32090a031a01610a022000"),
        ]
        for (value, hex) in cases {
            var writer = ProtobufWriter()
            value.write(into: &writer)
            #expect(Hex.string(writer.bytes) == hex, "\(value)")
            var reader = ProtobufReader(writer.bytes)
            #expect(try ProtobufValue.read(&reader) == value)
        }
    }

    @Test func profileValuesBecomeText() {
        #expect(ProtobufValue.number(42).text == "42")
        #expect(ProtobufValue.number(-3).text == "-3")
        #expect(ProtobufValue.number(1.5).text == "1.5")
        #expect(ProtobufValue.bool(true).text == "true")
        #expect(ProtobufValue.null.text == nil)
        #expect(ProtobufValue.list([.string("a"), .number(2)]).text == "[\"a\",2]")
        #expect(ProtobufValue.structure(["b": .bool(false), "a": .null]).text == "{\"a\":null,\"b\":false}")
    }

    // MARK: - Decoding

    @Test func readerSkipsUnknownFieldsOfEveryWireType() throws {
        var writer = ProtobufWriter()
        writer.varint(90, 5)
        writer.double(91, 2.5)
        writer.string(92, "ignored")
        writer.key(93, .varint)
        writer.rawVarint(1)
        writer.string(1, "user")
        // A fixed32 (wire type 5) field, which this writer never produces itself.
        let bytes = writer.bytes + [0xF5, 0x05, 1, 2, 3, 4] + [0x12, 0x04] + Array("User".utf8)
        let type = try C1ZRecordDecoder().resourceType(bytes)
        #expect(type == ResourceType(id: "user", displayName: "User", traits: []))
    }

    @Test func readerAcceptsUnpackedRepeatedEnums() throws {
        let bytes = Hex.bytes("0a04757365721801180218091800")
        let type = try C1ZRecordDecoder().resourceType(bytes)
        #expect(type.traits.map(\.rawValue) == ["user", "group", "vendor_agreement"])
    }

    /// Every prefix of a valid message decodes or throws; none crashes.
    @Test func truncatedMessagesThrowInsteadOfCrashing() throws {
        let decoder = C1ZRecordDecoder()
        for hex in [Self.goldenResource, Self.goldenResourceType] {
            let bytes = Hex.bytes(hex)
            var failures = 0
            for count in 0..<bytes.count {
                do {
                    _ = try decoder.resource(Array(bytes.prefix(count)))
                } catch is ProtobufReader.Failure {
                    failures += 1
                }
            }
            #expect(failures > 0)
        }
        #expect(throws: ProtobufReader.Failure.self) { try decoder.resource([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) }
        #expect(throws: ProtobufReader.Failure.self) { try decoder.resource([0x0B]) }   // a group
        #expect(throws: ProtobufReader.Failure.self) { try decoder.resource([0x00]) }   // field 0
        #expect(throws: ProtobufReader.Failure.self) { try decoder.resource([0x08, 0x01]) }   // id as a varint
    }

    @Test func recordsRoundTrip() throws {
        let encoder = C1ZRecordEncoder(), decoder = C1ZRecordDecoder()
        let types = [
            ResourceType(id: "user", displayName: "User", traits: [.user]),
            ResourceType(id: "team", displayName: "Équipe", traits: [.group, .role]),
            ResourceType(id: "plain", displayName: "", traits: []),
        ]
        for type in types {
            #expect(try decoder.resourceType(encoder.resourceType(type)) == type)
        }
        let resources: [(Resource, [ResourceTrait])] = [
            (Self.alice, [.user]),
            (Resource(type: "user", id: "7", displayName: "Zoë", profile: ["status": "disabled", "note": "a\nb", "": "empty key"]), [.user]),
            (Resource(type: "user", id: "8", displayName: "", profile: [:]), [.user]),
            (Resource(type: "team", id: "7", displayName: "增长团队", parent: .init(type: "account", id: "acme")), [.group]),
            (Resource(type: "account", id: "acme", displayName: "ACME", profile: ["plan": "pro"]), [.app]),
            (Resource(type: "role", id: "r", displayName: "R", profile: ["k": "v"]), [.role]),
            (Resource(type: "thing", id: "t", displayName: "T", profile: ["k": "v"]), []),
        ]
        for (resource, traits) in resources {
            #expect(try decoder.resource(encoder.resource(resource, traits: traits)) == resource)
        }
        let permission = Entitlement(resource: .init(type: "account", id: "acme"), slug: "admin", displayName: "Admin", purpose: .permission)
        let assignment = Entitlement(resource: .init(type: "team", id: "7"), slug: "member", displayName: "")
        for entitlement in [permission, assignment] {
            #expect(try decoder.entitlement(encoder.entitlement(entitlement)) == entitlement)
        }
    }

    /// What a Baton connector writes: the profile only in the trait, emails and login
    /// only in the UserTrait, a non-string profile, a purpose connhost lacks, no slug.
    @Test func batonStyleRecordsMapToTheModel() throws {
        var trait = ProtobufWriter()
        trait.message(1) { $0.string(1, "second@example.com") }
        trait.message(1) { $0.string(1, "first@example.com"); $0.bool(2, true) }
        trait.message(2) { $0.varint(1, 2) }
        trait.message(3) { ProtobufValue.writeStruct(["age": .number(42), "admin": .bool(true), "tags": .list([.string("x")]), "gone": .null], into: &$0) }
        trait.string(6, "bob")
        var resource = ProtobufWriter()
        resource.message(1) { $0.string(1, "user"); $0.string(2, "u1") }
        resource.string(3, "Bob")
        resource.message(4) { any in
            any.string(1, "type.googleapis.com/c1.connector.v2.UserTrait")
            any.bytes(2, trait.bytes)
        }
        resource.message(4) { $0.string(1, "type.googleapis.com/c1.connector.v2.SomethingElse") }
        resource.varint(8, 1)   // creation_source, unknown to connhost
        let decoded = try C1ZRecordDecoder().resource(resource.bytes)
        #expect(decoded == Resource(type: "user", id: "u1", displayName: "Bob", profile: [
            "age": "42", "admin": "true", "tags": "[\"x\"]", "email": "first@example.com", "login": "bob", "status": "disabled",
        ]))

        var group = ProtobufWriter()
        group.message(1) { $0.string(1, "group"); $0.string(2, "g") }
        group.message(4) { any in
            any.string(1, "type.googleapis.com/c1.connector.v2.GroupTrait")
            any.message(2) { $0.message(2) { ProtobufValue.writeStruct(strings: ["k": "v"], into: &$0) } }
        }
        #expect(try C1ZRecordDecoder().resource(group.bytes).profile == ["k": "v"])

        var entitlement = ProtobufWriter()
        entitlement.message(1) { $0.message(1) { $0.string(1, "group"); $0.string(2, "g") }; $0.string(3, "ignored name") }
        entitlement.string(2, "group:g:owner")
        entitlement.varint(7, 3)
        let owner = try C1ZRecordDecoder().entitlement(entitlement.bytes)
        #expect(owner.slug == "owner")
        #expect(owner.purpose == .permission)
        #expect(owner.id == "group:g:owner")
        #expect(owner.resource == ResourceReference(type: "group", id: "g"))
    }

    // MARK: - Sync ids and times

    /// The example of segmentio/ksuid's README.
    @Test func ksuidMatchesTheReferenceExample() {
        let payload = Hex.bytes("b5a1cd34b5f99d1154fb6853345c9735")
        let id = KSUID(date: Date(timeIntervalSince1970: 1_400_000_000 + 107_608_047), payload: payload)
        #expect(Hex.string(id.bytes) == "0669f7efb5a1cd34b5f99d1154fb6853345c9735")
        #expect(id.description == "0ujtsYcgvSTl8PAuAdqWYSMnLOv")
        #expect(KSUID(date: Date(timeIntervalSince1970: 1_400_000_000), payload: [UInt8](repeating: 0, count: 16)).description
                == String(repeating: "0", count: 27))
        #expect(KSUID(date: Date(timeIntervalSince1970: 1_400_000_000 + 4_294_967_295), payload: [UInt8](repeating: 255, count: 16)).description
                == "aWgEPTl1tmebfsQzFP4bxwgy80V")
    }

    @Test func ksuidsSortByTime() {
        let earlier = KSUID(date: Date(timeIntervalSince1970: 1_764_000_000)).description
        let later = KSUID(date: Date(timeIntervalSince1970: 1_764_000_001)).description
        #expect(earlier.count == 27 && later.count == 27)
        #expect(earlier < later)
    }

    @Test func batonTimesUseTheDriverLayoutAndReadBack() throws {
        let date = Date(timeIntervalSince1970: 1_764_000_000.25)
        let text = BatonTime.text(date)
        #expect(text.count == 26)
        #expect(text.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.250000$"#, options: .regularExpression) != nil, "\(text)")
        #expect(BatonTime.date(text) == date)
        #expect(BatonTime.date("2025-11-24T16:00:00Z") == Date(timeIntervalSince1970: 1_764_000_000))
        #expect(BatonTime.date("2025-11-24 17:00:00.5+01:00") == Date(timeIntervalSince1970: 1_764_000_000.5))
        #expect(BatonTime.date("2025-11-24 16:00:00.123456789Z")?.timeIntervalSince1970 ?? 0 > 1_764_000_000.12)
        for bad in ["", "yesterday", "2025-13-01 00:00:00", "2025-11-24 16:00", "2025-11-24 16:00:00.", "2025-11-24 16:00:00 extra"] {
            #expect(BatonTime.date(bad) == nil, "\(bad)")
        }
    }
}
