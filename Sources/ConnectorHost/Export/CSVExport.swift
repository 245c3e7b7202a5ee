import ConnectorKit
import Foundation

/// `connhost export --format csv`: a snapshot as `resources.csv`, `entitlements.csv` and
/// `grants.csv` in one directory, for spreadsheets.
///
/// Rows come in the snapshot's canonical order, so the same snapshot always gives the
/// same bytes. Profile keys become `profile.<key>` columns (the union over all resources,
/// sorted); an empty cell means the resource has no such key, or an empty value. Grants
/// also carry the principal's and the entitlement's display names, so a sheet needs no
/// look-ups. Each file is written atomically.
public enum CSVExport {
    /// The files written, in order.
    public static let fileNames = ["resources.csv", "entitlements.csv", "grants.csv"]
    /// The prefix of a profile key's column heading.
    public static let profilePrefix = "profile."

    /// Writes the three files into `directory`, creating it (not its parents) when
    /// missing; returns their paths. An existing path that is not a directory is a
    /// usage error.
    @discardableResult
    public static func write(_ snapshot: Snapshot, to directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw HostError.usage("--output \(directory) exists and is not a directory")
            }
        } else {
            if !(directory as NSString).deletingLastPathComponent.isEmpty { try AtomicFile.requireDirectory(of: directory) }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            } catch {
                throw HostError.failed("cannot create \(directory): \(error.localizedDescription)")
            }
        }
        let contents = [resources(snapshot), entitlements(snapshot), grants(snapshot)]
        var paths: [String] = []
        for (name, text) in zip(fileNames, contents) {
            let path = (directory as NSString).appendingPathComponent(name)
            try AtomicFile.write(Data(text.utf8), to: path)
            paths.append(path)
        }
        return paths
    }

    /// `resources.csv`: type, id, display_name, parent_type, parent_id, profile.<key>…
    public static func resources(_ snapshot: Snapshot) -> String {
        let keys = Set(snapshot.resources.flatMap { $0.profile.keys }).sorted()
        var csv = CSVWriter(header: ["type", "id", "display_name", "parent_type", "parent_id"] + keys.map { profilePrefix + $0 })
        for resource in snapshot.resources {
            csv.append([resource.type, resource.id, resource.displayName, resource.parent?.type ?? "", resource.parent?.id ?? ""]
                       + keys.map { resource.profile[$0] ?? "" })
        }
        return csv.text
    }

    /// `entitlements.csv`: id, resource_type, resource_id, slug, display_name, purpose.
    public static func entitlements(_ snapshot: Snapshot) -> String {
        var csv = CSVWriter(header: ["id", "resource_type", "resource_id", "slug", "display_name", "purpose"])
        for entitlement in snapshot.entitlements {
            csv.append([entitlement.id, entitlement.resource.type, entitlement.resource.id, entitlement.slug,
                        entitlement.displayName, entitlement.purpose.rawValue])
        }
        return csv.text
    }

    /// `grants.csv`: id, entitlement, principal_type, principal_id, and the display names
    /// of principal and entitlement (empty when they were never listed).
    public static func grants(_ snapshot: Snapshot) -> String {
        let names = Dictionary(snapshot.resources.map { (SnapshotIndex.key($0.reference), $0.displayName) },
                               uniquingKeysWith: { first, _ in first })
        let entitlementNames = Dictionary(snapshot.entitlements.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        var csv = CSVWriter(header: ["id", "entitlement", "principal_type", "principal_id", "principal_display_name",
                                     "entitlement_display_name"])
        for grant in snapshot.grants {
            csv.append([grant.id, grant.entitlement, grant.principal.type, grant.principal.id,
                        names[SnapshotIndex.key(grant.principal)] ?? "", entitlementNames[grant.entitlement] ?? ""])
        }
        return csv.text
    }
}
