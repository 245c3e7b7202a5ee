import ConnectorKit
import Foundation

/// The HTML access report of one snapshot (`connhost report`): a self-contained page with
/// a summary, privileged access, findings, charts, a table per resource type and, given
/// an older snapshot, what changed.
///
/// The page loads nothing: styles, charts (SVG) and the one script are inline, and a
/// Content-Security-Policy forbids every network request and every script but its own
/// (a per-page nonce). Every tenant value is escaped (`HTMLEscape`). Tables show their
/// first page in the HTML and carry all rows as a JSON data island (`ReportTable`), which
/// keeps a 100,000-user report small and quick to open.
public struct AccessReport {
    /// A snapshot and the name it is shown under (the file's name).
    public struct Source {
        /// The snapshot.
        public var snapshot: Snapshot
        /// How the report names it, e.g. `aha-20261201T070000Z.db`.
        public var label: String

        /// Creates a source.
        public init(snapshot: Snapshot, label: String) {
            self.snapshot = snapshot
            self.label = label
        }
    }

    /// The snapshot reported on.
    public var current: Source
    /// The older snapshot to compare with (`--against`), if any.
    public var previous: Source?

    /// Profile keys shown as columns in a resource type's table, at most.
    static let profileColumns = 4
    /// Bars in the chart of the largest groups.
    static let largestGroups = 15

    /// Creates a report of `current`, compared with `previous` when given.
    public init(current: Source, previous: Source? = nil) {
        self.current = current
        self.previous = previous
    }

    /// Renders the report and writes it atomically to `path`; returns its size in bytes.
    @discardableResult
    public func write(to path: String) throws -> Int {
        let page = html()
        try AtomicFile.write(Data(page), to: path)
        return page.count
    }

    /// The whole page, UTF-8.
    public func html() -> [UInt8] {
        let snapshot = current.snapshot
        let index = SnapshotIndex(snapshot)
        let findings = AccessFindings(index)
        let nonce = Self.nonce()
        let typeNames = Dictionary(snapshot.resourceTypes.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        let title = "Access report: \(snapshot.connector)"

        var page: [UInt8] = []
        page.reserveCapacity(64 * snapshot.resources.count + 4 * snapshot.grants.count + 65_536)
        func add(_ text: String) { page += Array(text.utf8) }
        func esc(_ text: String) -> String { HTMLEscape.text(text) }
        func section(_ id: String, _ heading: String) { add("<section id=\"\(id)\"><h2>\(esc(heading))</h2>\n") }
        func finding(_ id: String, _ heading: String, _ count: Int, warn: Bool = true) {
            add("<h3 id=\"\(id)\">\(esc(heading)) <span class=\"finding-count\(warn && count > 0 ? " warn" : "")\" data-count=\"\(count)\">(\(count))</span></h3>\n")
        }

        add("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-\(nonce)'; img-src data:; base-uri 'none'; form-action 'none'">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="connhost report">
        <title>\(esc(title))</title>
        <style>\(ReportStyle.css)</style>
        </head><body>

        """)
        var subtitle = "Snapshot \(current.label)"
        if let syncedAt = snapshot.syncedAt { subtitle += " · synced \(Timestamp.iso8601(syncedAt))" }
        if let previous { subtitle += " · compared with \(previous.label)" }
        add("<header><h1>\(esc(title))</h1><p>\(esc(subtitle))</p></header>\n<nav>")
        var links = [("summary", "Summary"), ("privileged", "Privileged access"), ("findings", "Findings")]
        if previous != nil { links.append(("changes", "Changes")) }
        links.append(("charts", "Charts"))
        let typeIDs = snapshot.typeIDs
        for (number, type) in typeIDs.enumerated() { links.append(("type-\(number)", typeNames[type] ?? type)) }
        links.append(("entitlements", "Entitlements"))
        for (anchor, label) in links { add("<a href=\"#\(anchor)\">\(esc(label))</a>") }
        add("</nav>\n<main>\n")

        // Summary
        section("summary", "Summary")
        add("<div class=\"cards\">")
        let counts = snapshot.resourceCounts
        for (number, type) in typeIDs.enumerated() {
            add("<div class=\"card\" id=\"count-\(number)\" data-type=\"\(esc(type))\"><b>\(Self.grouped(counts[type] ?? 0))</b><span>\(esc(typeNames[type] ?? type))</span></div>")
        }
        add("<div class=\"card\" id=\"count-entitlements\"><b>\(Self.grouped(snapshot.entitlements.count))</b><span>Entitlements</span></div>")
        add("<div class=\"card\" id=\"count-grants\"><b>\(Self.grouped(snapshot.grants.count))</b><span>Grants</span></div>")
        let flagged = findings.inactiveHolders.count + findings.sharedEmails.count + findings.unlistedPrincipals.count + findings.emptyGroups.count
        add("<div class=\"card\(flagged > 0 ? " warn" : "")\" id=\"count-findings\"><b>\(Self.grouped(flagged))</b><span>Findings</span></div>")
        add("</div>\n<dl class=\"meta\"><dt>Connector</dt><dd>\(esc(snapshot.connector))</dd>")
        add("<dt>Synced at</dt><dd>\(snapshot.syncedAt.map { Timestamp.iso8601($0) } ?? "not recorded in the snapshot")</dd>")
        add("<dt>Snapshot</dt><dd>\(esc(current.label))</dd>")
        if let previous {
            add("<dt>Compared with</dt><dd>\(esc(previous.label))\(previous.snapshot.syncedAt.map { " (synced \(Timestamp.iso8601($0)))" } ?? "")</dd>")
        }
        add("</dl></section>\n")

        // Privileged access
        section("privileged", "Privileged access")
        add("<p class=\"note\">Holders of admin-like entitlements (slug or name with admin, owner, root, superuser or sudo), and people whose profile marks them as administrators.</p>\n")
        finding("finding-privileged", "Privileged holders", findings.privileged.count, warn: false)
        ReportTable(id: "t-privileged", columns: [.init("Name"), .init("Principal"), .init("Access"), .init("Entitlement")],
                    rows: findings.privileged.map {
                        [$0.name ?? "(never listed)", SnapshotIndex.key($0.principal), $0.access, $0.entitlementID ?? "–"]
                    }).render(into: &page)
        add("</section>\n")

        // Findings
        section("findings", "Findings")
        finding("finding-inactive", "Inactive people who still hold grants", findings.inactiveHolders.count)
        ReportTable(id: "t-inactive", columns: [.init("Name"), .init("Principal"), .init("Why inactive"), .init("Grants", numeric: true)],
                    rows: findings.inactiveHolders.map {
                        [$0.user.displayName, SnapshotIndex.key($0.user.reference), $0.reason, String($0.grants)]
                    }).render(into: &page)
        finding("finding-shared-email", "Email addresses shared by several people", findings.sharedEmails.count)
        ReportTable(id: "t-shared-email", columns: [.init("Email"), .init("People", numeric: true), .init("Names"), .init("Principals")],
                    rows: findings.sharedEmails.map {
                        [$0.email, String($0.users.count), $0.users.map(\.displayName).joined(separator: "; "),
                         $0.users.map { SnapshotIndex.key($0.reference) }.joined(separator: "; ")]
                    }).render(into: &page)
        finding("finding-unlisted", "Grants to principals that were never listed", findings.unlistedPrincipals.count)
        ReportTable(id: "t-unlisted", columns: [.init("Principal"), .init("Grants", numeric: true), .init("Entitlements")],
                    rows: findings.unlistedPrincipals.map {
                        [SnapshotIndex.key($0.principal), String($0.entitlements.count),
                         $0.entitlements.map(index.entitlementName).joined(separator: "; ")]
                    }).render(into: &page)
        finding("finding-empty-groups", "Groups without members", findings.emptyGroups.count)
        ReportTable(id: "t-empty-groups", columns: [.init("Name"), .init("Resource")],
                    rows: findings.emptyGroups.map { [$0.displayName, SnapshotIndex.key($0.reference)] }).render(into: &page)
        add("</section>\n")

        if let previous { renderChanges(from: previous.snapshot, into: &page) }

        // Charts
        section("charts", "Charts")
        let groups = snapshot.resources.filter { index.groupTypes.contains($0.type) }
            .map { ($0, index.grantsPerResource[SnapshotIndex.key($0.reference)] ?? 0) }
        let largest = Snapshot.sorted(groups) { ("", $0.0.id) }.enumerated()
            .sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }.prefix(Self.largestGroups)
        add("<div class=\"charts\"><figure><h3>Largest groups by members</h3>")
        add(largest.isEmpty ? "<p class=\"empty\">No groups.</p>"
            : SVGBarChart(title: "Largest groups by members", bars: largest.map { .init(label: $0.element.0.displayName, value: $0.element.1) }).svg)
        add("</figure><figure><h3>Grants per person</h3>")
        let distribution = Self.distribution(index.users.map { index.grantsPerPrincipal[SnapshotIndex.key($0.reference)] ?? 0 })
        add(distribution.isEmpty ? "<p class=\"empty\">No people.</p>"
            : SVGBarChart(title: "People by number of grants held", bars: distribution).svg)
        add("</figure></div></section>\n")

        // One table per resource type
        for (number, type) in typeIDs.enumerated() {
            let resources = snapshot.resources(ofType: type)
            section("type-\(number)", "\(typeNames[type] ?? type) (\(resources.count))")
            let keys = ProfileColumns.keys(of: resources, limit: Self.profileColumns)
            let hasParent = resources.contains { $0.parent != nil }
            let isUser = index.userTypes.contains(type)
            var columns: [ReportTable.Column] = [.init("Id"), .init("Name")]
            if hasParent { columns.append(.init("Parent")) }
            columns += keys.map { .init($0) }
            columns.append(.init(isUser ? "Grants held" : "Grants on it", numeric: true))
            let rows = resources.map { resource -> [String] in
                var row = [resource.id, resource.displayName]
                if hasParent { row.append(resource.parent?.description ?? "") }
                row += keys.map { resource.profile[$0] ?? "" }
                let key = SnapshotIndex.key(resource.reference)
                row.append(String((isUser ? index.grantsPerPrincipal[key] : index.grantsPerResource[key]) ?? 0))
                return row
            }
            ReportTable(id: "t-type-\(number)", columns: columns, rows: rows).render(into: &page)
            add("</section>\n")
        }

        // Entitlements
        section("entitlements", "Entitlements (\(snapshot.entitlements.count))")
        var holders: [String: Int] = [:]
        for grant in snapshot.grants { holders[grant.entitlement, default: 0] += 1 }
        ReportTable(id: "t-entitlements",
                    columns: [.init("Id"), .init("Name"), .init("Resource"), .init("Purpose"), .init("Holders", numeric: true)],
                    rows: snapshot.entitlements.map {
                        [$0.id, $0.displayName, index.name(of: $0.resource) ?? SnapshotIndex.key($0.resource),
                         $0.purpose.rawValue, String(holders[$0.id] ?? 0)]
                    }).render(into: &page)
        add("</section>\n</main>\n<script nonce=\"\(nonce)\">\(ReportScript.javascript)</script>\n</body></html>\n")
        return page
    }

    /// The "Changes" section: people and grants added and removed since `old`.
    private func renderChanges(from old: Snapshot, into page: inout [UInt8]) {
        let new = current.snapshot
        let diff = SnapshotDiff(old: old, new: new)
        let oldIndex = SnapshotIndex(old), newIndex = SnapshotIndex(new)
        let people = oldIndex.userTypes.union(newIndex.userTypes)
        func add(_ text: String) { page += Array(text.utf8) }
        func isPerson(_ change: SnapshotDiff.Change) -> Bool {
            guard let colon = change.id.firstIndex(of: ":") else { return false }
            return people.contains(String(change.id[..<colon]))
        }
        add("<section id=\"changes\"><h2>Changes since \(HTMLEscape.text(previous?.label ?? "the older snapshot"))</h2>\n")
        add("<p id=\"changes-summary\">\(HTMLEscape.text(diff.summaryLine))</p>\n")
        for (action, label, id) in [(SnapshotDiff.Action.added, "People added", "people-added"),
                                    (.removed, "People removed", "people-removed")] {
            let changes = diff.changes(.resource, action).filter(isPerson)
            add("<h3 id=\"changes-\(id)\">\(label) <span class=\"finding-count\" data-count=\"\(changes.count)\">(\(changes.count))</span></h3>\n")
            ReportTable(id: "t-\(id)", columns: [.init("Name"), .init("Principal")],
                        rows: changes.map { [$0.name ?? "", $0.id] }).render(into: &page)
        }
        let oldGrants = Dictionary(old.grants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newGrants = Dictionary(new.grants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (action, label, id, grants, index) in [(SnapshotDiff.Action.added, "Grants added", "grants-added", newGrants, newIndex),
                                                   (.removed, "Grants removed", "grants-removed", oldGrants, oldIndex)] {
            let changes = diff.changes(.grant, action)
            add("<h3 id=\"changes-\(id)\">\(label) <span class=\"finding-count\" data-count=\"\(changes.count)\">(\(changes.count))</span></h3>\n")
            ReportTable(id: "t-\(id)", columns: [.init("Held by"), .init("Principal"), .init("Entitlement"), .init("Grant")],
                        rows: changes.map { change in
                            guard let grant = grants[change.id] else { return ["", "", "", change.id] }
                            return [index.name(of: grant.principal) ?? "(never listed)", SnapshotIndex.key(grant.principal),
                                    index.entitlementName(grant.entitlement), grant.id]
                        }).render(into: &page)
        }
        add("</section>\n")
    }

    /// People per number of grants held, in buckets 0, 1, 2, 3, 4, 5–9, 10–19, 20–49,
    /// 50–99, 100+, up to the largest bucket used.
    public static func distribution(_ values: [Int]) -> [SVGBarChart.Bar] {
        guard let most = values.max() else { return [] }
        let bounds = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, Int.max)]
        var counts = Array(repeating: 0, count: bounds.count)
        for value in values {
            if let bucket = bounds.firstIndex(where: { value >= $0.0 && value <= $0.1 }) { counts[bucket] += 1 }
        }
        let last = bounds.firstIndex { most >= $0.0 && most <= $0.1 } ?? bounds.count - 1
        return (0...last).map { bucket in
            let (low, high) = bounds[bucket]
            let range = low == high ? "\(low)" : high == Int.max ? "\(low)+" : "\(low)–\(high)"
            return SVGBarChart.Bar(label: "\(range) grant\(low == 1 && high == 1 ? "" : "s")", value: counts[bucket])
        }
    }

    /// `n` with thousands separators, `100,000`: counts people read at a glance.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var text = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return (n < 0 ? "-" : "") + text
    }

    /// A fresh CSP nonce: 18 random bytes, base64.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }
}
