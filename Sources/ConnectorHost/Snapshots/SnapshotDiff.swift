import ConnectorKit
import Foundation

/// What changed between two snapshots: records added, removed and changed, matched by
/// id (resources by type and id), in a deterministic order.
///
/// Changes come grouped by kind (resource types, resources, entitlements, grants) and
/// sorted by id within each kind, so the same two snapshots always give the same lines.
/// The connector name and sync time are not compared.
public struct SnapshotDiff: Hashable, Sendable {
    /// The kind of record a change is about, in output order.
    public enum Kind: String, CaseIterable, Codable, Hashable, Sendable {
        /// A resource type, matched by id.
        case resourceType = "resource_type"
        /// A resource, matched by type and id.
        case resource
        /// An entitlement, matched by id.
        case entitlement
        /// A grant, matched by id.
        case grant
    }

    /// Whether a record appeared, disappeared or changed.
    public enum Action: String, Codable, Hashable, Sendable {
        /// Only in the new snapshot.
        case added
        /// Only in the old snapshot.
        case removed
        /// In both, with different fields.
        case changed

        /// The line prefix: `+`, `-` or `~`.
        public var symbol: String {
            switch self {
            case .added: return "+"
            case .removed: return "-"
            case .changed: return "~"
            }
        }
    }

    /// One added, removed or changed record.
    public struct Change: Codable, Hashable, Sendable {
        /// What kind of record.
        public var kind: Kind
        /// Added, removed or changed.
        public var action: Action
        /// The record's id; `type:id` for resources.
        public var id: String
        /// The record's display name (the new one when it changed); `nil` for grants.
        public var name: String?
        /// For a changed record whose display name changed, the old name.
        public var oldName: String?
        /// For a changed record, the fields that differ other than profile keys, e.g.
        /// `display_name`, `parent`, `traits`, `purpose`.
        public var fields: [String]
        /// For a changed resource, the profile keys added, removed or changed, sorted.
        public var profileKeys: [String]

        /// Creates a change.
        public init(kind: Kind, action: Action, id: String, name: String? = nil, oldName: String? = nil,
                    fields: [String] = [], profileKeys: [String] = []) {
            self.kind = kind
            self.action = action
            self.id = id
            self.name = name
            self.oldName = oldName
            self.fields = fields
            self.profileKeys = profileKeys
        }

        enum CodingKeys: String, CodingKey {
            case kind, action, id, name, oldName = "old_name", fields, profileKeys = "profile_keys"
        }

        /// The change as one line, e.g. `+ resource user:42 "Zoë"` or
        /// `~ resource user:9 profile: email, status`.
        public var line: String {
            var text = "\(action.symbol) \(kind.rawValue) \(id)"
            if action != .changed {
                if let name { text += " \(quoted(name))" }
                return text
            }
            var parts: [String] = []
            for field in fields {
                if field == "display_name", let oldName, let name {
                    parts.append("display_name: \(quoted(oldName)) -> \(quoted(name))")
                } else {
                    parts.append(field)
                }
            }
            if !profileKeys.isEmpty { parts.append("profile: " + profileKeys.joined(separator: ", ")) }
            return text + " " + parts.joined(separator: "; ")
        }

        private func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
    }

    /// Every change, by kind and then id.
    public var changes: [Change]

    /// Compares `old` with `new`.
    public init(old: Snapshot, new: Snapshot) {
        var changes: [Change] = []
        changes += Self.compare(.resourceType, old.resourceTypes, new.resourceTypes, key: { ("", $0.id) }, name: \.displayName) { a, b in
            ((a.displayName != b.displayName ? ["display_name"] : []) + (a.traits != b.traits ? ["traits"] : []), [])
        }
        changes += Self.compare(.resource, old.resources, new.resources, key: { ($0.type, $0.id) }, name: \.displayName) { a, b in
            let profileKeys = Set(a.profile.keys).union(b.profile.keys).filter { a.profile[$0] != b.profile[$0] }.sorted()
            return ((a.displayName != b.displayName ? ["display_name"] : []) + (a.parent != b.parent ? ["parent"] : []), profileKeys)
        }
        changes += Self.compare(.entitlement, old.entitlements, new.entitlements, key: { ("", $0.id) }, name: \.displayName) { a, b in
            var fields: [String] = []
            if a.displayName != b.displayName { fields.append("display_name") }
            if a.resource != b.resource { fields.append("resource") }
            if a.slug != b.slug { fields.append("slug") }
            if a.purpose != b.purpose { fields.append("purpose") }
            return (fields, [])
        }
        changes += Self.compare(.grant, old.grants, new.grants, key: { ("", $0.id) }, name: { _ in nil }) { a, b in
            ((a.entitlement != b.entitlement ? ["entitlement"] : []) + (a.principal != b.principal ? ["principal"] : []), [])
        }
        self.changes = changes
    }

    /// Whether the snapshots hold the same records.
    public var isEmpty: Bool { changes.isEmpty }

    /// The changes of one kind and action.
    public func changes(_ kind: Kind, _ action: Action) -> [Change] {
        changes.filter { $0.kind == kind && $0.action == action }
    }

    /// Every change as a line, in order.
    public var lines: [String] { changes.map(\.line) }

    /// How many changes of each kind and action.
    public var counts: [Kind: [Action: Int]] {
        var counts: [Kind: [Action: Int]] = [:]
        for change in changes { counts[change.kind, default: [:]][change.action, default: 0] += 1 }
        return counts
    }

    /// One line of totals, e.g.
    /// `resources: 1 added, 1 removed, 1 changed; entitlements: 0 added, 0 removed; grants: 2 added, 1 removed`.
    public var summaryLine: String {
        if isEmpty { return "no differences" }
        let counts = counts
        let labels: [(Kind, String)] = [(.resourceType, "resource types"), (.resource, "resources"),
                                         (.entitlement, "entitlements"), (.grant, "grants")]
        return labels.compactMap { kind, label in
            let byAction = counts[kind] ?? [:]
            // Resource types rarely change: mention them only when they did.
            if kind == .resourceType && byAction.isEmpty { return nil }
            var parts = ["\(byAction[.added] ?? 0) added", "\(byAction[.removed] ?? 0) removed"]
            if kind == .resource || byAction[.changed] != nil { parts.append("\(byAction[.changed] ?? 0) changed") }
            return "\(label): " + parts.joined(separator: ", ")
        }.joined(separator: "; ")
    }

    /// Added, removed and changed records of one kind, in canonical order of `key`: a
    /// (type, id) pair for resources, ("", id) for the rest. `fields` names what differs
    /// in two versions of a record.
    private static func compare<T: Equatable>(_ kind: Kind, _ old: [T], _ new: [T], key: (T) -> (String, String),
                                              name: (T) -> String?,
                                              fields: (T, T) -> (fields: [String], profileKeys: [String])) -> [Change] {
        func label(_ item: T) -> String {
            let (type, id) = key(item)
            return type.isEmpty ? id : "\(type):\(id)"
        }
        let oldByKey = Dictionary(old.map { (label($0), $0) }, uniquingKeysWith: { _, last in last })
        let newByKey = Dictionary(new.map { (label($0), $0) }, uniquingKeysWith: { _, last in last })
        var changes: [(T, Change)] = []
        for (id, value) in oldByKey where newByKey[id] == nil {
            changes.append((value, Change(kind: kind, action: .removed, id: id, name: name(value))))
        }
        for (id, value) in newByKey {
            guard let before = oldByKey[id] else {
                changes.append((value, Change(kind: kind, action: .added, id: id, name: name(value))))
                continue
            }
            guard before != value else { continue }
            let (changed, profileKeys) = fields(before, value)
            let oldName = changed.contains("display_name") ? name(before) : nil
            changes.append((value, Change(kind: kind, action: .changed, id: id, name: name(value), oldName: oldName,
                                          fields: changed, profileKeys: profileKeys)))
        }
        return Snapshot.sorted(changes) { key($0.0) }.map(\.1)
    }
}
