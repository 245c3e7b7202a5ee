import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `connhost report` opened in real headless Chromium, `--against`, and `connhost export`
/// read back by a strict CSV reader, all on tenants whose names try to inject HTML,
/// script and spreadsheet formulas (`FakeSaaS --hostile-names`).
@Suite struct ReportTests {
    /// The hostile tenant: users 6–19 and teams 4–8 carry injection names.
    static let hostileArguments = ["--users", "60", "--teams", "12", "--virtual-users", "4", "--seed", "3", "--hostile-names"]

    /// A tenant synced through the Aha! plugin into `directory/<name>`, and its truth as a snapshot.
    static func synced(_ arguments: [String], as name: String, in directory: TemporaryDirectory) async throws -> (path: String, truth: Snapshot) {
        let tenant = try await FakeTenant("aha", arguments)
        let path = directory.file(name)
        let result = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        let truth = try SnapshotReader.read(tenant.directory.file("truth.json"))
        let snapshot = try SnapshotReader.read(path)
        #expect(snapshot.resources == truth.resources && snapshot.entitlements == truth.entitlements && snapshot.grants == truth.grants,
                "the synced snapshot differs from the tenant's ground truth")
        return (path, truth)
    }

    /// Text as Chromium serialises a text node: `&`, `<`, `>` escaped (quotes are not).
    static func serialized(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\u{A0}", with: "&nbsp;")
    }

    /// `n` as the page shows counts: `1,234`.
    static func grouped(_ n: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: n)) ?? "\(n)"
    }

    /// The first capture of `pattern` in `text`.
    static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    /// The rows of a table's JSON data island, `[]` when the table is empty (no island).
    static func islandRows(_ id: String, in html: String) throws -> [[String]] {
        guard let json = capture("<script type=\"application/json\" id=\"\(id)-rows\">(.*?)</script>", in: html) else { return [] }
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]])
    }

    /// What the report must find in `truth`, worked out here independently.
    struct Expected {
        var users = 0, teams = 0, inactive = 0, sharedEmails = 0, emptyGroups = 0, privileged = 0

        init(_ truth: Snapshot) {
            var grantsHeld: [String: Int] = [:], members: [String: Int] = [:]
            for grant in truth.grants {
                grantsHeld[grant.principal.id, default: 0] += 1
                members[grant.entitlement, default: 0] += 1
            }
            var emails: [String: Int] = [:]
            for resource in truth.resources {
                if resource.type == "team" {
                    teams += 1
                    if members["team:\(resource.id):member"] == nil { emptyGroups += 1 }
                } else if resource.type == "user" {
                    users += 1
                    if resource.profile["status"] == "disabled", grantsHeld[resource.id] != nil { inactive += 1 }
                    if resource.profile["administrator"] == "true" { privileged += 1 }
                    if let email = resource.profile["email"] { emails[email.lowercased(), default: 0] += 1 }
                }
            }
            sharedEmails = emails.values.filter { $0 > 1 }.count
        }
    }

    @Test func hostileReportInChromiumShowsCountsAndFindingsAndRunsNothingInjected() async throws {
        let directory = try TemporaryDirectory("report")
        let (snapshot, truth) = try await Self.synced(Self.hostileArguments, as: "aha.db", in: directory)
        let expected = Expected(truth)
        #expect(expected.inactive > 0 && expected.sharedEmails > 0 && expected.emptyGroups > 0 && expected.privileged > 0,
                "the tenant should give every kind of finding")
        let hostile = truth.resources.map(\.displayName).filter { $0.contains("<") }
        #expect(hostile.count >= 8, "the tenant should have HTML-injection names")

        let report = directory.file("report.html")
        let result = try await connhost(["report", snapshot, "--output", report])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        // Self-contained: no URL to fetch anything from, and a policy that forbids it anyway.
        #expect(html.range(of: "http://", options: .caseInsensitive) == nil)
        #expect(html.range(of: "https://", options: .caseInsensitive) == nil)
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))

        let dom = try await Chromium.dumpDOM(report, in: directory)
        let head = try #require(Self.capture("<head>(.*?)</head>", in: dom), "no <head> in the dumped DOM")
        // The title is the page's own: no injected script changed it.
        #expect(head.components(separatedBy: "<title>").count == 2)
        #expect(head.contains("<title>Access report: aha</title>"))
        let htmlTag = try #require(Self.capture("(<html[^>]*>)", in: dom))
        #expect(htmlTag.contains("data-report-ready="), "the page's own script did not run: \(htmlTag)")
        #expect(!htmlTag.contains("data-pwned"), "an injected script ran: \(htmlTag)")
        // No injected element: every tag in the DOM is one the page itself has, and there
        // are exactly as many scripts as the file holds.
        for tag in ["<img", "<svg onload", "<b onclick", "<style>body", "<iframe"] {
            #expect(!dom.contains(tag), "injected element \(tag) in the DOM")
        }
        #expect(dom.components(separatedBy: "<script").count == html.components(separatedBy: "<script").count)
        // The names show as text.
        for name in hostile where !name.contains("\r") {
            #expect(dom.contains(Self.serialized(name)), "\(name.debugDescription) is not shown as text")
        }

        // Counts and findings, as the browser shows them.
        #expect(Self.capture("data-type=\"user\"><b>([\\d,]+)</b>", in: dom) == Self.grouped(expected.users))
        #expect(Self.capture("data-type=\"team\"><b>([\\d,]+)</b>", in: dom) == Self.grouped(expected.teams))
        #expect(Self.capture("id=\"count-grants\"><b>([\\d,]+)</b>", in: dom) == Self.grouped(truth.grants.count))
        #expect(Self.capture("id=\"count-entitlements\"><b>([\\d,]+)</b>", in: dom) == Self.grouped(truth.entitlements.count))
        for (id, count) in [("finding-inactive", expected.inactive), ("finding-shared-email", expected.sharedEmails),
                            ("finding-empty-groups", expected.emptyGroups), ("finding-privileged", expected.privileged),
                            ("finding-unlisted", 0)] {
            #expect(Self.capture("id=\"\(id)\">[^<]*<span[^>]*data-count=\"(\\d+)\"", in: dom) == "\(count)", "\(id)")
        }
        // The script paged the 60 users: 50 rows shown, the status says so.
        #expect(dom.contains("Rows 1–50 of \(expected.users)."))

        // A screenshot of a laptop-sized window: a PNG of that size with real content.
        let png = directory.file("report.png")
        try await Chromium.screenshot(report, width: 1366, height: 900, to: png, in: directory)
        let image = try PNGImage(path: png)
        #expect(image.width == 1366 && image.height == 900)
        let colours = image.colourCounts
        #expect(colours.count > 50, "only \(colours.count) colours: a blank page?")
        #expect(Double(colours.first?.count ?? 0) < 0.95 * Double(image.pixels.count), "one colour covers almost the whole page")
    }

    @Test func noRequestLeavesThePage() async throws {
        let directory = try TemporaryDirectory("report-canary")
        let canary = try RequestCanary()
        // Names that would fetch from the canary if they ever became markup.
        let bait = ["<img src=\"\(canary.url)/img\">", "<link rel=stylesheet href=\"\(canary.url)/css\">",
                    "</script><script src=\"\(canary.url)/js\"></script>", "<iframe src=\"\(canary.url)/frame\"></iframe>",
                    "<div style=\"background:url(\(canary.url)/bg)\">x</div>"]
        let users: [[String: Any]] = bait.enumerated().map { index, name in
            ["type": "user", "id": "\(index + 1)", "display_name": name, "profile": ["email": "u\(index)@example.com"]]
        }
        let document: [String: Any] = [
            "format": "connhost.snapshot/v1", "connector": "canary",
            "resource_types": [["id": "user", "display_name": "User", "traits": ["user"]]],
            "resources": users, "entitlements": [], "grants": [],
        ]
        let snapshot = directory.file("canary.json")
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: snapshot))
        let report = directory.file("canary.html")
        let result = try await connhost(["report", snapshot, "--output", report])
        #expect(result.status == 0, "\(result.stderr)")
        _ = try await Chromium.dumpDOM(report, in: directory)
        // The control: a page that does fetch from the canary proves it would notice.
        let control = directory.file("control.html")
        try "<!DOCTYPE html><img src=\"\(canary.url)/control\">".write(toFile: control, atomically: true, encoding: .utf8)
        _ = try await Chromium.dumpDOM(control, in: directory)
        let requests = await canary.stop()
        #expect(requests.contains("/control"), "the canary saw no request from the control page: \(requests)")
        #expect(requests.filter { $0 != "/control" }.isEmpty, "the report made requests: \(requests)")
    }

    @Test func againstListsExactlyTheDifferences() async throws {
        let directory = try TemporaryDirectory("report-against")
        let base = ["--users", "40", "--teams", "8", "--seed", "9", "--hostile-names"]
        let (old, oldTruth) = try await Self.synced(base, as: "old.c1z", in: directory)
        let (new, newTruth) = try await Self.synced(base + ["--extra-users", "3", "--drop-member"], as: "new.json", in: directory)
        let report = directory.file("changes.html")
        let result = try await connhost(["report", new, "--against", old, "--output", report])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)

        let oldUsers = Set(oldTruth.resources.filter { $0.type == "user" }.map { "user:\($0.id)" })
        let newUsers = Set(newTruth.resources.filter { $0.type == "user" }.map { "user:\($0.id)" })
        let added = try Self.islandRows("t-people-added", in: html)
        #expect(Set(added.map { $0[1] }) == newUsers.subtracting(oldUsers))
        #expect(added.count == 3)
        #expect(try Self.islandRows("t-people-removed", in: html).isEmpty)
        #expect(try Self.islandRows("t-grants-added", in: html).isEmpty)

        let removedGrants = Set(oldTruth.grants.map(\.id)).subtracting(newTruth.grants.map(\.id))
        #expect(removedGrants.count == 1)
        let removed = try Self.islandRows("t-grants-removed", in: html)
        #expect(removed.map { $0[3] } == Array(removedGrants))
        if let grant = oldTruth.grants.first(where: { removedGrants.contains($0.id) }), let row = removed.first {
            // By whom it was held, and what it was.
            #expect(row[0] == oldTruth.resources.first { $0.type == "user" && $0.id == grant.principal.id }?.displayName)
            #expect(row[1] == "user:\(grant.principal.id)")
            #expect(row[2] == oldTruth.entitlements.first { $0.id == grant.entitlement }?.displayName)
        }
        #expect(Self.capture("<p id=\"changes-summary\">(.*?)</p>", in: html)
                == "resources: 3 added, 0 removed, 0 changed; entitlements: 0 added, 0 removed; grants: 0 added, 1 removed")
        for (id, count) in [("people-added", 3), ("people-removed", 0), ("grants-added", 0), ("grants-removed", 1)] {
            #expect(Self.capture("id=\"changes-\(id)\">[^<]*<span[^>]*data-count=\"(\\d+)\"", in: html) == "\(count)", "\(id)")
        }
    }

    @Test func csvReadsBackAsTheSnapshotWithHostileCellsPrefixed() async throws {
        let directory = try TemporaryDirectory("export")
        let (snapshot, truth) = try await Self.synced(Self.hostileArguments, as: "aha.ndjson", in: directory)
        let output = directory.file("csv")
        let result = try await connhost(["export", snapshot, "--format", "csv", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        func read(_ name: String) throws -> (raw: String, header: [String], rows: [[String]]) {
            let data = try #require(FileManager.default.contents(atPath: output + "/" + name))
            let raw = try #require(String(data: data, encoding: .utf8), "\(name) is not UTF-8")
            #expect(!raw.hasPrefix("\u{FEFF}"))
            let (header, rows) = try StrictCSV.parse(raw)
            return (raw, header, rows)
        }

        let resources = try read("resources.csv")
        #expect(Array(resources.header.prefix(5)) == ["type", "id", "display_name", "parent_type", "parent_id"])
        let keys = resources.header.dropFirst(5).map { String($0.dropFirst("profile.".count)) }
        #expect(resources.header.dropFirst(5).allSatisfy { $0.hasPrefix("profile.") })
        #expect(truth.resources.allSatisfy { $0.profile.values.allSatisfy { !$0.isEmpty } }, "an empty profile value would read back as absent")
        let readResources = resources.rows.map { row -> Resource in
            let cells = row.map(StrictCSV.value)
            var profile: [String: String] = [:]
            for (key, value) in zip(keys, cells.dropFirst(5)) where !value.isEmpty { profile[key] = value }
            return Resource(type: cells[0], id: cells[1], displayName: cells[2],
                            parent: cells[3].isEmpty ? nil : ResourceReference(type: cells[3], id: cells[4]), profile: profile)
        }
        #expect(readResources == truth.resources)

        let entitlements = try read("entitlements.csv")
        #expect(entitlements.header == ["id", "resource_type", "resource_id", "slug", "display_name", "purpose"])
        #expect(entitlements.rows.map { $0.map(StrictCSV.value) } == truth.entitlements.map {
            [$0.id, $0.resource.type, $0.resource.id, $0.slug, $0.displayName, $0.purpose.rawValue]
        })

        let grants = try read("grants.csv")
        #expect(grants.header == ["id", "entitlement", "principal_type", "principal_id", "principal_display_name", "entitlement_display_name"])
        let names = Dictionary(truth.resources.map { ("\($0.type):\($0.id)", $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let entitlementNames = Dictionary(truth.entitlements.map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        #expect(grants.rows.map { $0.map(StrictCSV.value) } == truth.grants.map {
            [$0.id, $0.entitlement, $0.principal.type, $0.principal.id, names["\($0.principal.type):\($0.principal.id)"] ?? "",
             entitlementNames[$0.entitlement] ?? ""]
        })

        // Hostile cells carry the ' prefix; no cell starts a formula.
        for cell in ["'=cmd|' /C calc'!A0", "'+SUM(1+1)*cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0",
                     "'\tTab-led =1+1", "\"'\rCR-led =1+1\"", "'@Team -1+1", "\"'=HYPERLINK(\"\"//evil.invalid/x\"\",\"\"click\"\")\""] {
            #expect(resources.raw.contains("," + cell + ","), "missing \(cell.debugDescription)")
        }
        #expect(grants.raw.contains(",'=cmd|' /C calc'!A0,"))
        for file in [resources, entitlements, grants] {
            for cell in file.rows.joined() {
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.unicodeScalars.first.map(Character.init)), "\(cell.debugDescription)")
            }
        }
        #expect(directory.strayTemporaryFiles.isEmpty)
        let csvTemporaries = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.contains(".tmp-") }
        #expect(csvTemporaries.isEmpty)
    }

    @Test func exportRefusesAFileAsOutputDirectory() async throws {
        let directory = try TemporaryDirectory("export-refuse")
        let snapshot = directory.file("s.json")
        let document = #"{"format":"connhost.snapshot/v1","connector":"x","resource_types":[],"resources":[],"entitlements":[],"grants":[]}"#
        try document.write(toFile: snapshot, atomically: true, encoding: .utf8)
        let file = directory.file("not-a-dir")
        try "keep me".write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try await connhost(["export", snapshot, "--format", "csv", "--output", file])
        #expect(refused.status == 2)
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("not a directory"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")
        let badFormat = try await connhost(["export", snapshot, "--format", "xlsx", "--output", directory.file("out")])
        #expect(badFormat.status == 2)
        let noParent = try await connhost(["export", snapshot, "--output", directory.file("missing/out")])
        #expect(noParent.status == 2, "\(noParent.stderr)")
        let reportIntoDirectory = try await connhost(["report", snapshot, "--output", directory.path])
        #expect(reportIntoDirectory.status == 2)
        let unreadable = try await connhost(["report", file, "--output", directory.file("r.html")])
        #expect(unreadable.status == 2 && unreadable.stderr.split(separator: "\n").count == 1, "\(unreadable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("r.html")))
        #expect(directory.strayTemporaryFiles.isEmpty)
    }
}
