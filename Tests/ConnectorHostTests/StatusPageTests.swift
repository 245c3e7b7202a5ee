import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `StatusPage`: what it shows, and that hostile names reach it only as text.
@Suite struct StatusPageTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
    static let script = "<script>alert(\"x\")</script>"

    static let page = StatusPage(
        instances: [
            .init(name: "acme", plugin: "aha", schedule: "every 6h",
                  lastRun: .init(start: now.addingTimeInterval(-125), end: now.addingTimeInterval(-2), status: "ok"),
                  nextRun: now.addingTimeInterval(21_475)),
            .init(name: "beta<b>", plugin: "aha", schedule: "0 */4 * * *",
                  lastRun: .init(start: now.addingTimeInterval(-60), end: now.addingTimeInterval(-59.5), status: "failed",
                                 error: "aha: HTTP 401 from <img src=x onerror=alert(1)>"),
                  nextRun: now.addingTimeInterval(3600)),
            .init(name: "cf", plugin: "codefresh", schedule: "every 1m", running: true),
        ],
        changes: [
            .init(kind: .resourceAdded, resourceType: "user", resourceID: "42", displayName: script,
                  time: now, instance: "acme", syncID: "s2"),
            .init(kind: .grantAdded, resourceType: "team", resourceID: "7", displayName: "Core & \"Ops\"",
                  principal: .init(type: "user", id: "42"), principalName: script, entitlement: "team:7:member",
                  time: now, instance: "acme", syncID: "s2"),
            .init(kind: .resourceChanged, resourceType: "user", resourceID: "9", displayName: "Bo",
                  fields: [.init(field: "profile.email", before: "bo@x", after: "'><svg onload=alert(2)>")],
                  time: now, instance: "acme", syncID: "s2"),
        ],
        now: now)

    @Test func showsInstancesRunsAndChanges() {
        let html = Self.page.html()
        #expect(html.contains("<td>acme</td><td>aha</td><td>every 6h</td><td>2027-01-15T07:57:55Z (2m 03s)</td><td><span class=\"ok\">ok</span></td><td>2027-01-15T13:57:55Z</td>"))
        #expect(html.contains("<span class=\"failed\">failed</span><br><span class=\"muted\">aha: HTTP 401 from &lt;img src=x onerror=alert(1)&gt;</span>"))
        #expect(html.contains("<td>cf</td><td>codefresh</td><td>every 1m</td><td>never</td><td>running</td><td>running now</td>"))
        #expect(html.contains("<td>grant added</td>"))
        #expect(html.contains("team:7:member<br>") == false)  // the entitlement stands alone: no fields follow it
        #expect(html.contains("<td>team:7:member</td>"))
        #expect(html.contains("profile.email: bo@x → &#39;&gt;&lt;svg onload=alert(2)&gt;"))
        #expect(html.contains("As of 2027-01-15T08:00:00Z."))
    }

    @Test func escapesEveryTenantValue() throws {
        let html = Self.page.html()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img") && !html.contains("<svg") && !html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <span class=\"muted\">user:42</span>"))
        #expect(html.contains("<td>beta&lt;b&gt;</td>"))
        #expect(html.contains("Core &amp; &quot;Ops&quot;"))
        // Every tag in the page is one the renderer writes itself.
        let allowed: Set<String> = ["html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "a", "table", "thead",
                                    "tbody", "tr", "th", "td", "span", "br"]
        let tagPattern = try NSRegularExpression(pattern: "</?([a-zA-Z0-9!]+)")
        let tags = tagPattern.matches(in: html, range: NSRange(html.startIndex..., in: html))
            .map { (html as NSString).substring(with: $0.range(at: 1)).lowercased() }
        #expect(tags.count > 50)
        #expect(Set(tags).subtracting(allowed).subtracting(["!doctype"]).isEmpty, "\(Set(tags).subtracting(allowed))")
        #expect(html.contains("default-src 'none'; style-src 'unsafe-inline'"))
    }

    @Test func saysSoWhenThereIsNothingYet() {
        let html = StatusPage(instances: [], changes: [], now: Self.now).html()
        #expect(html.contains("No scheduled instances."))
        #expect(html.contains("No changes recorded yet."))
        #expect(html.hasSuffix("</body></html>\n"))
    }
}
