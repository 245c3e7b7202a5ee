/// The tables connhost keeps in a shared PostgreSQL database, and their migrations.
///
/// Key columns use `COLLATE "C"`: ids are opaque, and byte order keeps the primary-key
/// inserts of a large COPY cheap whatever the database's locale.
///
/// Every snapshot row carries the `sync_id` of its `sync_runs` row; a sync's rows and its
/// run are committed in one transaction, so readers see whole syncs or nothing. The
/// `latest_syncs` view gives the latest successful sync per connector (instance). The
/// layout is documented in `docs/snapshot-format.md`.
enum PostgreSQLSchema {
    /// Arbitrary constant key of the advisory lock that serialises migrations.
    static let migrationLock: Int64 = 0x636F_6E6E_686F_7374  // "connhost"

    /// Migration `n` brings the schema from version `n` to `n + 1`. Append only.
    static let migrations: [String] = [
        """
        CREATE TABLE sync_runs (
          sync_id bigserial PRIMARY KEY,
          connector text COLLATE "C" NOT NULL,
          plugin_version text NOT NULL,
          started_at timestamptz NOT NULL,
          finished_at timestamptz,
          status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
          resource_counts jsonb,
          entitlements integer,
          grants integer,
          requests integer,
          retries integer,
          warnings jsonb);
        CREATE INDEX sync_runs_by_connector ON sync_runs (connector, finished_at);
        CREATE TABLE resource_types (
          sync_id bigint NOT NULL,
          id text COLLATE "C" NOT NULL, display_name text NOT NULL, traits jsonb NOT NULL,
          PRIMARY KEY (sync_id, id));
        CREATE TABLE resources (
          sync_id bigint NOT NULL,
          type text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, display_name text NOT NULL,
          parent_type text, parent_id text, profile jsonb NOT NULL,
          PRIMARY KEY (sync_id, type, id));
        CREATE TABLE entitlements (
          sync_id bigint NOT NULL,
          id text COLLATE "C" NOT NULL, resource_type text NOT NULL, resource_id text NOT NULL,
          slug text NOT NULL, display_name text NOT NULL, purpose text NOT NULL,
          PRIMARY KEY (sync_id, id));
        CREATE TABLE grants (
          sync_id bigint NOT NULL,
          id text COLLATE "C" NOT NULL, entitlement_id text NOT NULL,
          principal_type text COLLATE "C" NOT NULL, principal_id text COLLATE "C" NOT NULL,
          PRIMARY KEY (sync_id, id));
        CREATE INDEX grants_by_principal ON grants (sync_id, principal_type, principal_id);
        CREATE VIEW latest_syncs AS
          SELECT DISTINCT ON (connector) * FROM sync_runs WHERE status = 'succeeded'
          ORDER BY connector, finished_at DESC, sync_id DESC;
        """,
    ]

    /// The version this connhost writes and reads.
    static var version: Int { migrations.count }

    /// Creates or upgrades the schema. Safe when several connhosts start at once: the
    /// advisory lock makes the others wait, then they find nothing left to do.
    static func migrate(_ connection: PostgreSQLConnection) throws {
        try connection.execute("BEGIN")
        do {
            try connection.execute("SELECT pg_advisory_xact_lock(\(migrationLock))")
            try connection.execute("CREATE TABLE IF NOT EXISTS connhost_schema (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
            let current = try installedVersion(connection) ?? 0
            guard current <= version else {
                throw HostError.failed("PostgreSQL: \(connection.url) has connhost schema version \(current); this connhost knows up to \(version)")
            }
            for (index, migration) in migrations.enumerated() where index >= current {
                try connection.execute(migration)
                try connection.execute("INSERT INTO connhost_schema (version) VALUES ($1)", [String(index + 1)])
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The schema version in the database, or `nil` when connhost never wrote there.
    static func installedVersion(_ connection: PostgreSQLConnection) throws -> Int? {
        guard try connection.rows("SELECT to_regclass('connhost_schema') IS NOT NULL")[0][0] == "t" else { return nil }
        return try connection.rows("SELECT max(version) FROM connhost_schema")[0][0].flatMap { Int($0) }
    }
}
