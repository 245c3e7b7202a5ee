import ConnectorKit
import Foundation

/// The child side of ``IsolatedSync``: `connhost __worker <plugin.so> [<instance>]` reads the
/// config as JSON on stdin, syncs, and writes NDJSON records, then a `sync_run` or `error` line.
public enum WorkerEntry {
    /// Runs the worker and returns its exit status; `credentialName` is the instance whose
    /// stored OAuth credential the sync uses (``ConfiguredPlugin/credentialName``).
    public static func run(pluginPath: String, credentialName: String? = nil, options: SyncOptions) async -> Int32 {
        let emit: (Int32, String) -> Int32 = { status, message in
            let line = (try? JSONEncoder().encode(["kind": "error", "message": message])) ?? Data()
            // `status` is an integer: splice it in rather than encode a mixed dictionary.
            var text = String(decoding: line, as: UTF8.self)
            text.removeLast()
            FileHandle.standardOutput.write(Data((text + ",\"status\":\(status)}\n").utf8))
            return status
        }
        let plugin: LoadedPlugin
        switch PluginLoader.load(path: pluginPath) {
        case .success(let loaded): plugin = loaded
        case .failure(let failure): return emit(2, failure.description)
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let values = try? JSONDecoder().decode([String: String].self, from: input) else {
            return emit(2, "worker: no configuration on stdin")
        }
        let connector = ConfiguredPlugin(plugin: plugin, config: ConnectorConfiguration(values), options: options,
                                         name: credentialName, credentialName: credentialName)
        let context = connector.context
        do {
            let engine = SyncEngine(metadata: plugin.metadata, session: try connector.makeSession(), context: context)
            _ = try await engine.run(into: NDJSONSnapshotSink(destination: "-"))
            return 0
        } catch {
            return emit(ErrorReport.status(for: error),
                        ErrorReport.message(for: error, connector: plugin.metadata.name, redact: context.redact))
        }
    }
}
