import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// The report's pieces without a browser: escaping, findings, charts and the page's
/// self-containment. Chromium runs in `EndToEndTests/ReportTests`.
@Suite struct AccessReportTests {
    static let types = [
        ResourceType(id: "user", displayName: "User", traits: [.user]),
        ResourceType(id: "team", displayName: "Team", traits: [.group]),
        ResourceType(id: "account", displayName: "Account", traits: [.app]),
    ]
    static let account = Resource(type: "account", id: "a1", displayName: "acme")
    static let teams = [Resource(type: "team", id: "1", displayName: "Platform"),
                        Resource(type: "team", id: "2", displayName: "</script><script>alert(1)</script>")]
    static let users = [
        Resource(type: "user", id: "1", displayName: "Ada", profile: ["email": "ada@example.com", "status": "enabled"]),
        Resource(type: "user", id: "2", displayName: "Bob", profile: ["email": "ADA@example.com ", "status": "disabled"]),
        Resource(type: "user", id: "3", displayName: "Cy", profile: ["status": "Pending"]),
        Resource(type: "user", id: "4", displayName: "Di", profile: ["enabled": "false"]),
        Resource(type: "user", id: "5", displayName: "<img src=x onerror=alert(1)>", profile: ["administrator": "true"]),
    ]
    static let member = Entitlement(resource: teams[0].reference, slug: "member", displayName: "Platform Member")
    static let admin = Entitlement(resource: account.reference, slug: "admin", displayName: "acme Admin")
    static let owner = Entitlement(resource: account.reference, slug: "x", displayName: "Account Owners")
    static let emptyMember = Entitlement(resource: teams[1].reference, slug: "member", displayName: "Team 2 Member")
    static let snapshot = Snapshot(
        connector: "test", resourceTypes: types, resources: users + teams + [account],
        entitlements: [member, admin, owner, emptyMember],
        grants: [Grant(entitlement: member, principal: users[0].reference), Grant(entitlement: member, principal: users[1].reference),
                 Grant(entitlement: admin, principal: users[2].reference), Grant(entitlement: owner, principal: users[0].reference),
                 Grant(entitlement: member, principal: ResourceReference(type: "user", id: "99"))])

    @Test func htmlEscapingCoversTextAndAttributes() {
        #expect(HTMLEscape.text(#"<a href="x" title='y'>&</a>"#) == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTMLEscape.text("Zoë 🚀") == "Zoë 🚀")
    }

    @Test func scriptStringsCannotCloseTheScriptAndReadBackExactly() throws {
        let values = ["</script><script>alert(1)</script>", "<!-- x", "a\u{2028}b\u{2029}c", "q\"uote\\ & >", "tab\tcr\rlf\n\u{1}", "Zoë 🚀"]
        for value in values {
            let literal = HTMLEscape.scriptString(value)
            #expect(!literal.contains("<") && !literal.contains(">") && !literal.contains("&"))
            #expect(!literal.contains("\u{2028}") && !literal.contains("\u{2029}") && !literal.contains("\n"))
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
            #expect(decoded == [value])
        }
    }

    @Test func findingsNameWhatAReviewerActsOn() {
        let findings = AccessFindings(SnapshotIndex(Self.snapshot))
        // Bob (disabled) and Cy (Pending) hold grants; Di (enabled=false) holds none.
        #expect(findings.inactiveHolders.map(\.user.id) == ["2", "3"])
        #expect(findings.inactiveHolders.map(\.reason) == ["status: disabled", "status: Pending"])
        #expect(findings.sharedEmails.map(\.email) == ["ada@example.com"])
        #expect(findings.sharedEmails.first?.users.map(\.id) == ["1", "2"])
        #expect(findings.unlistedPrincipals.map(\.principal) == [ResourceReference(type: "user", id: "99")])
        #expect(findings.emptyGroups.map(\.id) == ["2"])
        #expect(findings.privileged.map(\.access) == ["acme Admin", "Account Owners", "profile: administrator = true"])
        #expect(findings.privileged.map(\.principal.id) == ["3", "1", "5"])
    }

    @Test func privilegedEntitlementsAreMatchedByWord() {
        func entitlement(_ slug: String, _ name: String) -> Entitlement {
            Entitlement(resource: ResourceReference(type: "team", id: "1"), slug: slug, displayName: name)
        }
        #expect(AccessFindings.isPrivileged(entitlement("admin", "acme-staging Admin")))
        #expect(AccessFindings.isPrivileged(entitlement("role", "Administrators")))
        #expect(AccessFindings.isPrivileged(entitlement("root", "x")))
        #expect(!AccessFindings.isPrivileged(entitlement("member", "Platform Member")))
        #expect(!AccessFindings.isPrivileged(entitlement("member", "Groot Member")))
    }

    @Test func chartsEscapeLabelsAndScaleToTheLargestBar() {
        let svg = SVGBarChart(title: "T <b>", bars: [.init(label: "<img src=x>", value: 10), .init(label: "b", value: 5)]).svg
        #expect(svg.contains("&lt;img src=x&gt;") && !svg.contains("<img") && svg.contains("<title>T &lt;b&gt;</title>"))
        let widths = svg.components(separatedBy: "<rect").dropFirst().compactMap { $0.components(separatedBy: "width=\"").dropFirst().first?.prefix { $0.isNumber } }
        #expect(widths.count == 2 && Int(widths[0]) == 2 * Int(widths[1])!)
    }

    @Test func pageIsSelfContainedEscapedAndPaged() throws {
        var many = Self.users
        for index in 100..<230 { many.append(Resource(type: "user", id: "\(index)", displayName: "User \(index)")) }
        var big = Self.snapshot
        big.resources = many + Self.teams + [Self.account]
        let html = String(decoding: AccessReport(current: .init(snapshot: big, label: "<snap>.db")).html(), as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(html.contains("default-src 'none'") && html.contains("script-src 'nonce-"))
        // Tenant values never appear raw.
        #expect(!html.contains("<img src=x") && !html.contains("</script><script>alert"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;") && html.contains("Snapshot &lt;snap&gt;.db"))
        // The user table renders its first page only; the data island has every row.
        let table = try #require(html.components(separatedBy: "<table id=\"t-type-2\"").dropFirst().first)
        let body = try #require(table.components(separatedBy: "</tbody>").first?.components(separatedBy: "<tbody>").last)
        #expect(body.components(separatedBy: "<tr>").count - 1 == ReportTable.pageSize)
        #expect(html.contains("Rows 1–50 of 135."))
        // Exactly one executable script, carrying the policy's nonce.
        #expect(html.components(separatedBy: "<script nonce=").count == 2)
    }

    @Test func countsAreGroupedByThousands() {
        #expect([0, 999, 1000, 100_000, 1_234_567].map(AccessReport.grouped) == ["0", "999", "1,000", "100,000", "1,234,567"])
    }

    @Test func grantsPerPersonBuckets() {
        let bars = AccessReport.distribution([0, 0, 1, 3, 7, 12])
        #expect(bars.map(\.label) == ["0 grants", "1 grant", "2 grants", "3 grants", "4 grants", "5–9 grants", "10–19 grants"])
        #expect(bars.map(\.value) == [2, 1, 0, 1, 0, 1, 1])
    }
}
