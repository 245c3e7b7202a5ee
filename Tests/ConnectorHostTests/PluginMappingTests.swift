import ConnectorHost
import ConnectorKit
import Foundation
import TestSupport
import Testing

/// Each shipped plugin's mapping from recorded API pages (`Tests/Fixtures/RecordedPages`)
/// to records, through its real session, syncers and HTTPClient, with a ``CannedTransport``
/// in place of the network. The plugins are loaded as the host loads them.
struct PluginMappingTests {
    static func recorded(_ file: String) throws -> CannedTransport.Answer {
        let path = Products.repository + "/Tests/Fixtures/RecordedPages/" + file
        return CannedTransport.Answer(body: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Every resource, entitlement and grant of `plugin`'s session over `answers`, walked
    /// page by page as a sync does (at most 20 pages a listing).
    static func records(of plugin: String, answers: [String: CannedTransport.Answer], baseURL: String)
        async throws -> (resources: [Resource], entitlements: [Entitlement], grants: [Grant]) {
        let loaded = try #require(PluginLoader(directories: [InTreePluginTests.directory]).loadAll().plugin(named: plugin))
        let connector = try #require(loaded.connector as? any ServiceConnector)
        let client = HTTPClient(baseURL: try #require(URL(string: baseURL)), authorization: "Bearer k",
                                transport: CannedTransport(answers), context: ConnectorContext(maxAttempts: 1))
        let session = try connector.makeSession(client: client, config: ConnectorConfiguration())
        var resources: [Resource] = [], entitlements: [Entitlement] = [], grants: [Grant] = []
        func all<Item>(_ page: (PageToken?) async throws -> Page<Item>) async throws -> [Item] {
            var items: [Item] = [], token: PageToken?
            for _ in 0..<20 {
                let next = try await page(token)
                items += next.items
                token = next.next
                if token == nil { return items }
            }
            Issue.record("a listing did not end within 20 pages")
            return items
        }
        for syncer in session.syncers {
            let listed = try await all { try await syncer.list(ListRequest(page: $0)) }
            resources += listed
            for resource in listed {
                entitlements += try await all { try await syncer.entitlements(EntitlementsRequest(resource: resource, page: $0)) }
                grants += try await all { try await syncer.grants(GrantsRequest(resource: resource, page: $0)) }
            }
        }
        return (resources, entitlements, grants)
    }

    @Test func ahaMapsUsersTeamsAndMemberships() async throws {
        let teams = "6998235291233"
        let (resources, entitlements, grants) = try await Self.records(of: "aha", answers: [
            "/api/v1/users?page=1&per_page=200": try Self.recorded("aha/api__v1__users@page-1.json"),
            "/api/v1/users?page=2&per_page=200": try Self.recorded("aha/api__v1__users@page-2.json"),
            "/api/v1/teams?page=1&per_page=200&fields=id,name,team_members": try Self.recorded("aha/api__v1__teams@page-1.json"),
            "/api/v1/teams/\(teams)/team_memberships?page=1&per_page=200":
                try Self.recorded("aha/api__v1__teams__\(teams)__team_memberships@page-1.json"),
            "/api/v1/teams/\(teams)/team_memberships?page=2&per_page=200":
                try Self.recorded("aha/api__v1__teams__\(teams)__team_memberships@page-2.json"),
        ], baseURL: "https://acme.aha.io")

        #expect(resources == [
            Resource(type: "user", id: "16338845", displayName: "Ada Lovelace", profile: [
                "status": "enabled", "administrator": "true", "paid_seat": "true", "email": "ada@example.com",
                "last_access": "2026-11-30T09:12:00.000Z"]),
            Resource(type: "user", id: "16338846", displayName: "Zoë \"Z\" O'Brien", profile: [
                "status": "disabled", "administrator": "false", "paid_seat": "false", "email": "ada@example.com"]),
            Resource(type: "user", id: "16338847", displayName: "grace@example.com", profile: [
                "status": "enabled", "administrator": "false", "paid_seat": "false", "email": "grace@example.com",
                "last_access": "2026-01-02T03:04:05.000Z"]),
            Resource(type: "team", id: "6998235291231", displayName: "Platform"),
            Resource(type: "team", id: "6998235291232", displayName: "Design"),
            Resource(type: "team", id: "6998235291233", displayName: "Ops"),
        ])
        #expect(entitlements.map(\.id) == ["team:6998235291231:member", "team:6998235291232:member", "team:6998235291233:member"])
        #expect(entitlements.map(\.displayName) == ["Platform Member", "Design Member", "Ops Member"])
        // Virtual members are dropped, a repeated member is granted once, the object form
        // of team_members counts, and a team listed without members pages its memberships.
        #expect(grants.map(\.id) == [
            "team:6998235291231:member:user:16338845", "team:6998235291231:member:user:16338846",
            "team:6998235291232:member:user:16338847",
            "team:6998235291233:member:user:16338845", "team:6998235291233:member:user:16338847",
        ])
    }

    @Test func codefreshMapsTheActiveAccountItsUsersAndTheirRoles() async throws {
        let account = "5d0a2b3c4d5e6f7081920a1b"
        let (resources, entitlements, grants) = try await Self.records(of: "codefresh", answers: [
            "/api/user": try Self.recorded("codefresh/api__user.json"),
            "/api/accounts/\(account)/users": try Self.recorded("codefresh/api__accounts__\(account)__users.json"),
        ], baseURL: "https://g.codefresh.io")

        #expect(resources == [
            Resource(type: "account", id: account, displayName: "acme-prod"),
            Resource(type: "user", id: "5c8f1e0a2b3c4d5e6f708091", displayName: "Ada Lovelace", profile: [
                "roles": "Admin,User", "email": "ada@example.com", "userName": "ada", "status": "activated",
                "first_name": "Ada", "last_name": "Lovelace"]),
            Resource(type: "user", id: "5c8f1e0a2b3c4d5e6f708092", displayName: "Grace", profile: [
                "roles": "User", "email": "grace@example.com", "userName": "grace", "status": "activated", "first_name": "Grace"]),
            Resource(type: "user", id: "5c8f1e0a2b3c4d5e6f708093", displayName: "alan", profile: [
                "roles": "User", "email": "alan@example.com", "userName": "alan", "status": "pending"]),
            Resource(type: "user", id: "5c8f1e0a2b3c4d5e6f708094", displayName: "edsger", profile: [
                "roles": "Admin", "userName": "edsger", "status": "activated", "first_name": "", "last_name": ""]),
        ])
        #expect(entitlements.map(\.id) == ["account:\(account):admin", "account:\(account):user"])
        #expect(entitlements.map(\.displayName) == ["acme-prod Admin", "acme-prod User"])
        // Admin by roles or by the account's admins list; User too when not an admin or listed.
        let prefix = "account:\(account):"
        #expect(grants.map(\.id) == [
            prefix + "admin:user:5c8f1e0a2b3c4d5e6f708091", prefix + "user:user:5c8f1e0a2b3c4d5e6f708091",
            prefix + "user:user:5c8f1e0a2b3c4d5e6f708092",
            prefix + "admin:user:5c8f1e0a2b3c4d5e6f708093", prefix + "user:user:5c8f1e0a2b3c4d5e6f708093",
            prefix + "admin:user:5c8f1e0a2b3c4d5e6f708094",
        ])
    }

    @Test func aPageMissingFromTheRecordingFailsTheListingWithTheRequest() async throws {
        await #expect(throws: ConnectorError.requestFailed(endpoint: "GET /api/v1/users?page=2&per_page=200", status: 404,
                                                           message: #"{"error":"not in the canned answers"}"#)) {
            _ = try await Self.records(of: "aha", answers: [
                "/api/v1/users?page=1&per_page=200": try Self.recorded("aha/api__v1__users@page-1.json"),
            ], baseURL: "https://acme.aha.io")
        }
    }
}
