/// Values set aside under a key while one listing is read, and taken once by a later call,
/// e.g. team members that arrive with the team list and are needed for the team's grants.
public actor Stash<Value: Sendable> {
    private var values: [String: Value] = [:]

    /// Creates an empty stash.
    public init() {}

    /// Keeps `value` under `key`, replacing what was there.
    public func put(_ value: Value, for key: String) {
        values[key] = value
    }

    /// The value under `key`, removed; `nil` when none was put there.
    public func take(_ key: String) -> Value? {
        values.removeValue(forKey: key)
    }
}
