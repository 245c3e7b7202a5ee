/// One configuration value a connector accepts, such as `base-url` or `api-key`.
///
/// The host turns it into the flag `--<name>` and reads `env` from the environment,
/// with no host code per plugin. Declare each field once, as a constant, with the
/// ``Kind`` that says how the kit validates it (``ConnectorConfiguration/value(_:)``).
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
    /// How the value is validated; not part of the plugin's JSON description.
    public var kind: Kind = .string

    /// Creates a field; `secret` fields are of kind ``Kind/secret``, others ``Kind/string``.
    public init(name: String, env: String, secret: Bool = false, required: Bool = false,
                help: String, defaultValue: String? = nil) {
        self.name = name
        self.env = env
        self.secret = secret
        self.required = required
        self.help = help
        self.defaultValue = defaultValue
        self.kind = secret ? .secret : .string
    }

    /// Creates a field of `kind`; it is secret when `kind` is ``Kind/secret``.
    public init(_ name: String, env: String, kind: Kind, required: Bool = false, help: String,
                defaultValue: String? = nil) {
        self.init(name: name, env: env, secret: kind == .secret, required: required, help: help,
                  defaultValue: defaultValue)
        self.kind = kind
    }

    /// The service's account URL, `base-url`: scheme and host only (``BaseURL``); with a
    /// `domain` (`aha.io`), a bare account name (`mycompany`) is expanded to `https://mycompany.aha.io`.
    public static func accountURL(env: String, domain: String? = nil, required: Bool = true, help: String,
                                  defaultValue: String? = nil) -> ConfigField {
        ConfigField("base-url", env: env, kind: .accountURL(domain: domain), required: required, help: help,
                    defaultValue: defaultValue)
    }

    enum CodingKeys: String, CodingKey {
        case name, env, secret, required, help, defaultValue = "default"
    }
}
