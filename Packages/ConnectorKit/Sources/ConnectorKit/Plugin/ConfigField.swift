/// One configuration value a connector accepts, such as `base-url` or `api-key`.
///
/// The host turns it into the flag `--<name>` and reads `env` from the environment,
/// with no host code per plugin.
public struct ConfigField: Codable, Hashable, Sendable {
    /// Kebab-case name, used as the flag: `base-url` → `--base-url`.
    public var name: String
    /// Environment variable, e.g. `BATON_BASE_URL`.
    public var env: String
    /// Whether the value must never be printed.
    public var secret: Bool
    /// Whether a sync cannot start without it.
    public var required: Bool
    /// One line of help text.
    public var help: String
    /// The value used when none is given (never set this for a secret).
    public var defaultValue: String?

    /// Creates a field.
    public init(name: String, env: String, secret: Bool = false, required: Bool = false,
                help: String, defaultValue: String? = nil) {
        self.name = name
        self.env = env
        self.secret = secret
        self.required = required
        self.help = help
        self.defaultValue = defaultValue
    }

    enum CodingKeys: String, CodingKey {
        case name, env, secret, required, help, defaultValue = "default"
    }
}
