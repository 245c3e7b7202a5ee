import ConnectorKit
import Foundation
import Testing

/// Ids and wire names of the data model are a public contract (DESIGN.md).
struct ModelTests {
    @Test func idsFollowTheContract() throws {
        let team = Resource(type: "team", id: "42", displayName: "Core")
        let member = Entitlement(resource: team.reference, slug: "member", displayName: "Core Member")
        #expect(member.id == "team:42:member")
        let grant = Grant(entitlement: member, principal: ResourceReference(type: "user", id: "7"))
        #expect(grant.id == "team:42:member:user:7")
        #expect(grant.entitlement == "team:42:member")

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(member), as: UTF8.self)
                == #"{"display_name":"Core Member","id":"team:42:member","purpose":"assignment","resource":{"id":"42","type":"team"},"slug":"member"}"#)
        #expect(String(decoding: try encoder.encode(ResourceType(id: "team", displayName: "Team", traits: [.group])), as: UTF8.self)
                == #"{"display_name":"Team","id":"team","traits":["group"]}"#)
    }

    @Test func pageTokensCountPages() throws {
        #expect(try PageToken.pageNumber(nil) == 1)
        #expect(try PageToken.pageNumber(.page(3)) == 3)
        #expect(throws: ConnectorError.self) { try PageToken.pageNumber("zero") }
        let pagination = PageNumberPagination(totalRecords: 401, totalPages: 3, currentPage: 1)
        #expect(pagination.nextToken(after: 2) == .page(3))
        #expect(pagination.nextToken(after: 3) == nil)
        #expect(PageNumberPagination(totalRecords: 0, totalPages: 0, currentPage: 1).nextToken(after: 1) == nil)
    }

    @Test func lenientValuesAcceptStringsNumbersObjectsAndArrays() throws {
        struct Holder: Decodable { var id: LenientString; var members: OneOrMany<LenientString> }
        let one = try JSONDecoder().decode(Holder.self, from: Data(#"{"id": 16338845, "members": "7"}"#.utf8))
        #expect(one.id.value == "16338845")
        #expect(one.members.elements.map(\.value) == ["7"])
        let many = try JSONDecoder().decode(Holder.self, from: Data(#"{"id": "9", "members": [1, "2"]}"#.utf8))
        #expect(many.members.elements.map(\.value) == ["1", "2"])
    }

    @Test func contextRedactsSecrets() {
        let context = ConnectorContext(secrets: ["sk-live-123456", "abc"])
        #expect(context.redact("key sk-live-123456 used") == "key [REDACTED] used")
        #expect(context.redact("abc stays") == "abc stays")   // too short to redact safely
    }
}
