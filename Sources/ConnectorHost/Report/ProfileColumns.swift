import ConnectorKit

/// The profile keys worth a column when resources are shown as a table.
///
/// Keys people look for first (`email`, `login`, `status`, `role`) come first when
/// present, then the most common keys, then by name; shared by `connhost show --type`
/// and the HTML report so both show the same columns.
public enum ProfileColumns {
    /// Profile keys people look for first, shown before the others when present.
    public static let preferredKeys = ["email", "login", "status", "role"]

    /// At most `limit` profile keys of `resources`, in column order.
    public static func keys(of resources: [Resource], limit: Int) -> [String] {
        var frequency: [String: Int] = [:]
        for resource in resources {
            for key in resource.profile.keys { frequency[key, default: 0] += 1 }
        }
        func rank(_ key: String) -> Int { preferredKeys.firstIndex(of: key) ?? preferredKeys.count }
        return Array(frequency.sorted {
            (rank($0.key), -$0.value, $0.key) < (rank($1.key), -$1.value, $1.key)
        }.prefix(limit).map(\.key))
    }
}
