import ConnectorKit
import Foundation

/// Who gained or lost access, and which people and groups appeared, went or changed,
/// between two successful syncs of one instance.
///
/// Built on ``SnapshotDiff`` and told the way a reviewer reads it: a resource added,
/// removed or changed (with each changed field before and after: `display_name`, `parent`,
/// `profile.<key>`), a grant added or removed (with the principal, the entitlement and
/// the resource it is on, by id and display name). Entitlements and resource types are
/// left out: they come and go with their resources. Changes keep the diff's order
/// (resources by type and id, then grants by id), so the same two snapshots always give
/// the same lines.
public struct ChangeFeed: Hashable, Sendable {
    /// What happened.
    public enum Kind: String, Codable, CaseIterable, Hashable, Sendable {
        /// A resource (user, team, account…) that the previous sync did not see.
        case resourceAdded = "resource_added"
        /// A resource the previous sync saw and this one does not.
        case resourceRemoved = "resource_removed"
        /// A resource whose name, parent or profile changed.
        case resourceChanged = "resource_changed"
        /// A principal newly holds an entitlement.
        case grantAdded = "grant_added"
        /// A principal no longer holds an entitlement.
        case grantRemoved = "grant_removed"
    }

    /// One field of a changed resource, before and after (`nil`: absent).
    public struct FieldChange: Codable, Hashable, Sendable {
        /// `display_name`, `parent` or `profile.<key>`.
        public var field: String
        /// The previous value.
        public var before: String?
        /// The new value.
        public var after: String?

        /// Creates a field change.
        public init(field: String, before: String?, after: String?) {
            self.field = field
            self.before = before
            self.after = after
        }

        /// Absent values are written as `null`, so every field change has both keys.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(field, forKey: .field)
            try container.encode(before, forKey: .before)
            try container.encode(after, forKey: .after)
        }
    }

    /// One change; `instance`, `syncID` and `time` say where it was seen once recorded.
    public struct Change: Codable, Hashable, Sendable {
        /// When the sync that saw it started.
        public var time: Date?
        /// The connector instance, e.g. `acme`.
        public var instance: String?
        /// The sync that saw the change.
        public var syncID: String?
        /// What happened.
        public var kind: Kind
        /// The resource's type; for a grant, the type of the resource the entitlement is on.
        public var resourceType: String
        /// The resource's id; for a grant, the id of the resource the entitlement is on.
        public var resourceID: String
        /// The resource's display name (the new one when it changed).
        public var displayName: String
        /// For a grant: who holds it.
        public var principal: ResourceReference?
        /// For a grant: the principal's display name, when a snapshot has it.
        public var principalName: String?
        /// For a grant: the entitlement's id, e.g. `team:42:member`.
        public var entitlement: String?
        /// For a changed resource: what changed.
        public var fields: [FieldChange]

        /// Creates a change.
        public init(kind: Kind, resourceType: String, resourceID: String, displayName: String,
                    principal: ResourceReference? = nil, principalName: String? = nil, entitlement: String? = nil,
                    fields: [FieldChange] = [], time: Date? = nil, instance: String? = nil, syncID: String? = nil) {
            self.kind = kind
            self.resourceType = resourceType
            self.resourceID = resourceID
            self.displayName = displayName
            self.principal = principal
            self.principalName = principalName
            self.entitlement = entitlement
            self.fields = fields
            self.time = time
            self.instance = instance
            self.syncID = syncID
        }

        enum CodingKeys: String, CodingKey {
            case time, instance, syncID = "sync_id", kind, resourceType = "resource_type", resourceID = "resource_id"
            case displayName = "display_name", principal, principalName = "principal_name", entitlement, fields
        }
    }

    /// Every change, resources first, then grants.
    public var changes: [Change]

    /// The changes from `old` (the previous successful snapshot) to `new`.
    public init(old: Snapshot, new: Snapshot) {
        let oldResources = Self.index(old.resources)
        let newResources = Self.index(new.resources)
        let entitlements = Dictionary(old.entitlements.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            .merging(new.entitlements.map { ($0.id, $0) }, uniquingKeysWith: { _, b in b })
        let oldGrants = Dictionary(old.grants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newGrants = Dictionary(new.grants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        func grantChange(_ kind: Kind, _ grant: Grant) -> Change {
            let primary = kind == .grantAdded ? newResources : oldResources
            let secondary = kind == .grantAdded ? oldResources : newResources
            func name(_ reference: ResourceReference) -> String? {
                (primary[reference.description] ?? secondary[reference.description])?.displayName
            }
            // The entitlement's resource, from the entitlement or else from its id.
            let resource = entitlements[grant.entitlement]?.resource ?? Self.resource(ofEntitlement: grant.entitlement)
            return Change(kind: kind, resourceType: resource.type, resourceID: resource.id, displayName: name(resource) ?? "",
                          principal: grant.principal, principalName: name(grant.principal), entitlement: grant.entitlement)
        }

        var changes: [Change] = []
        for change in SnapshotDiff(old: old, new: new).changes {
            switch (change.kind, change.action) {
            case (.resource, .added):
                if let resource = newResources[change.id] { changes.append(Self.resourceChange(.resourceAdded, resource)) }
            case (.resource, .removed):
                if let resource = oldResources[change.id] { changes.append(Self.resourceChange(.resourceRemoved, resource)) }
            case (.resource, .changed):
                if let before = oldResources[change.id], let after = newResources[change.id] {
                    var entry = Self.resourceChange(.resourceChanged, after)
                    entry.fields = Self.fields(before, after)
                    changes.append(entry)
                }
            case (.grant, .added):
                if let grant = newGrants[change.id] { changes.append(grantChange(.grantAdded, grant)) }
            case (.grant, .removed):
                if let grant = oldGrants[change.id] { changes.append(grantChange(.grantRemoved, grant)) }
            case (.grant, .changed):
                // Same id, other content: the old grant went and the new one came.
                if let before = oldGrants[change.id], let after = newGrants[change.id] {
                    changes += [grantChange(.grantRemoved, before), grantChange(.grantAdded, after)]
                }
            default:
                continue
            }
        }
        self.changes = changes
    }

    /// The changes stamped with where they were seen, one JSON object per line (keys
    /// sorted), each line ending in a newline; empty when nothing changed.
    public func ndjson(instance: String, syncID: String, time: Date) throws -> Data {
        let encoder = RecordEncoder()
        var data = Data()
        for var change in changes {
            change.instance = instance
            change.syncID = syncID
            change.time = time
            data += try encoder.encode(change)
            data.append(0x0A)
        }
        return data
    }

    /// How many changes of each kind, every kind present (zero when none).
    public var counts: [Kind: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Kind.allCases.map { ($0, 0) })
        for change in changes { counts[change.kind, default: 0] += 1 }
        return counts
    }

    private static func index(_ resources: [Resource]) -> [String: Resource] {
        Dictionary(resources.map { ($0.reference.description, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private static func resourceChange(_ kind: Kind, _ resource: Resource) -> Change {
        Change(kind: kind, resourceType: resource.type, resourceID: resource.id, displayName: resource.displayName)
    }

    /// `type:id:slug` → `type:id`; ids may hold colons, so the slug is cut at the last one.
    private static func resource(ofEntitlement id: String) -> ResourceReference {
        let withoutSlug = id.lastIndex(of: ":").map { id[..<$0] } ?? Substring(id)
        guard let colon = withoutSlug.firstIndex(of: ":") else { return ResourceReference(type: "", id: String(withoutSlug)) }
        return ResourceReference(type: String(withoutSlug[..<colon]), id: String(withoutSlug[withoutSlug.index(after: colon)...]))
    }

    /// What differs between two versions of a resource: name, parent, then profile keys sorted.
    private static func fields(_ before: Resource, _ after: Resource) -> [FieldChange] {
        var fields: [FieldChange] = []
        if before.displayName != after.displayName {
            fields.append(FieldChange(field: "display_name", before: before.displayName, after: after.displayName))
        }
        if before.parent != after.parent {
            fields.append(FieldChange(field: "parent", before: before.parent?.description, after: after.parent?.description))
        }
        for key in Set(before.profile.keys).union(after.profile.keys).sorted() where before.profile[key] != after.profile[key] {
            fields.append(FieldChange(field: "profile.\(key)", before: before.profile[key], after: after.profile[key]))
        }
        return fields
    }
}
