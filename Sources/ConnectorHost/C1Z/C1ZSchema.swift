/// The SQLite schema inside a `.c1z` v1 file, verbatim from Baton's `allTableDescriptors`
/// (`pkg/dotc1z/sql_helpers.go`; `notes/c1z-format.md` §2).
///
/// Split in two only so that the writer can build the indexes after the rows are in,
/// which is faster than maintaining them row by row; the statements are Baton's text.
enum C1ZSchema {
    /// The five bytes before the zstd frame of a v1 file: `C1ZF\0`.
    static let magic: [UInt8] = [0x43, 0x31, 0x5A, 0x46, 0x00]
    /// The header of Baton's v3 layout (a Pebble store), which connhost does not read.
    static let magicV3: [UInt8] = [0x43, 0x31, 0x5A, 0x33, 0x00]

    static let tables = """
    create table v1_resource_types (id integer primary key, external_id text not null, data blob not null, sync_id text not null, discovered_at datetime not null);
    create table v1_resources (id integer primary key, resource_type_id text not null, external_id text not null, parent_resource_type_id text, parent_resource_id text, data blob not null, sync_id text not null, discovered_at datetime not null);
    create table v1_entitlements (id integer primary key, resource_type_id text not null, resource_id text not null, external_id text not null, data blob not null, sync_id text not null, discovered_at datetime not null);
    create table v1_sync_runs (id integer primary key, sync_id text not null, started_at datetime not null, ended_at datetime, sync_token text not null, sync_type text not null default 'full', parent_sync_id text not null default '', linked_sync_id text not null default '', supports_diff integer not null default 0, grants_backfilled integer not null default 0, stats text, ingest_invariant_generation text not null default '', ingest_invariant_coverage text not null default '', ingest_invariant_mode text not null default '');
    create table v1_grants (id integer primary key, resource_type_id text not null, resource_id text not null, entitlement_id text not null, principal_resource_type_id text not null, principal_resource_id text not null, external_id text not null, expansion blob, needs_expansion integer not null default 0, data blob not null, sync_id text not null, discovered_at datetime not null);
    create table v1_assets (id integer primary key, external_id text not null, content_type text not null, data blob not null, sync_id text not null, discovered_at datetime not null);
    create table v1_connector_sessions (id integer primary key, sync_id text not null, key text not null, value blob not null);
    """

    static let indexes = """
    create unique index idx_resource_types_external_sync_v1 on v1_resource_types (external_id, sync_id);
    create index idx_resources_resource_type_id_v1 on v1_resources (resource_type_id);
    create index idx_resources_external_sync_v1 on v1_resources (parent_resource_type_id, parent_resource_id);
    create unique index idx_resources_parent_resource_id_v1 on v1_resources (external_id, sync_id);
    create index idx_entitlements_resource_id_v1 on v1_entitlements (resource_type_id, resource_id);
    create unique index idx_entitlements_external_sync_v1 on v1_entitlements (external_id, sync_id);
    create unique index idx_sync_runs_sync_id_v1 on v1_sync_runs (sync_id);
    create index idx_grants_resource_type_id_resource_id_v1 on v1_grants (resource_type_id, resource_id);
    create index idx_grants_principal_id_v1 on v1_grants (principal_resource_type_id, principal_resource_id);
    create index idx_grants_entitlement_id_principal_id_v1 on v1_grants (entitlement_id, principal_resource_type_id, principal_resource_id);
    create unique index idx_grants_external_sync_v1 on v1_grants (external_id, sync_id);
    create index idx_grants_entitlement_sync_grant_v1 on v1_grants (entitlement_id, sync_id, id);
    create index idx_grants_sync_expansion_v1 on v1_grants (sync_id) where expansion is not null;
    create index idx_grants_sync_needs_expansion_v1 on v1_grants (sync_id) where needs_expansion = 1;
    create unique index idx_assets_external_sync_v1 on v1_assets (external_id, sync_id);
    create unique index idx_session_store_sync_key_v1 on v1_connector_sessions (sync_id, key);
    """

    /// Keys of the `v1_connector_sessions` rows where connhost keeps what Baton's tables
    /// have no column for, scoped to the sync like every other row.
    static let connectorKey = "connhost.connector"
    static let pluginVersionKey = "connhost.plugin_version"
}
