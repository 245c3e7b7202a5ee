import ConnectorKit
import Foundation

/// Runs one plugin's sync in a child `connhost __worker` process, so a plugin that traps
/// or segfaults ends only the child; records come back as NDJSON on a pipe.
///
/// The configuration (secrets included) goes to the child on stdin, never in argv or the
/// environment where `ps` or `/proc` would show it.
public struct IsolatedSync {
    /// The `connhost` executable to start as the worker.
    public var executable: String
    /// The plugin file the worker loads.
    public var pluginPath: String
    /// The plugin's name, for messages.
    public var pluginName: String
    /// Timeouts, retries and concurrency, handed to the worker.
    public var options: SyncOptions
    /// The name the stored OAuth credential is kept under (``ConfiguredPlugin/credentialName``).
    public var credentialName: String?

    /// Creates a runner.
    public init(executable: String, pluginPath: String, pluginName: String, options: SyncOptions,
                credentialName: String? = nil) {
        self.executable = executable
        self.pluginPath = pluginPath
        self.pluginName = pluginName
        self.options = options
        self.credentialName = credentialName
    }

    /// One line of the worker's stdout.
    enum Line: Decodable {
        case record(SnapshotRecord)
        case summary(SyncSummary)
        case failure(status: Int32, message: String)

        enum Keys: String, CodingKey { case kind, status, message }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            switch try container.decode(String.self, forKey: .kind) {
            case "sync_run": self = .summary(try SyncSummary(from: decoder))
            case "error":
                self = .failure(status: try container.decode(Int32.self, forKey: .status),
                                message: try container.decode(String.self, forKey: .message))
            default: self = .record(try SnapshotRecord(from: decoder))
            }
        }
    }

    /// Runs the worker, forwarding its records into `sink`; commits on success, aborts otherwise.
    public func run(config: ConnectorConfiguration, into sink: any SnapshotSink, pluginVersion: String) throws -> SyncSummary {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["__worker", pluginPath] + (credentialName.map { [$0] } ?? [])
        // The runtime's backtracer would print pages to stderr and slow the crash down.
        process.environment = ProcessInfo.processInfo.environment
            .merging(options.environment) { _, new in new }
            .merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }
        let errors = Pipe()
        process.standardError = errors
        let diagnostics = StderrCollector(errors.fileHandleForReading, forward: options.verbose)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw HostError.failed("cannot start the worker process \(executable): \(error.localizedDescription)")
        }
        input.fileHandleForWriting.write(try JSONEncoder().encode(config.values))
        try? input.fileHandleForWriting.close()

        var summary: SyncSummary?
        var failure: WorkerFailure?
        do {
            try sink.begin(connector: pluginName, pluginVersion: pluginVersion)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            try Self.forEachLine(of: output.fileHandleForReading) { line in
                switch try decoder.decode(Line.self, from: line) {
                case .record(let record): try sink.write(record)
                case .summary(let value): summary = value
                case .failure(let status, let message): failure = WorkerFailure(status: status, message: message)
                }
            }
        } catch {
            process.terminate()
            process.waitForExit()
            sink.abort()
            throw error
        }
        process.waitForExit()
        if process.terminationReason == .uncaughtSignal {
            sink.abort()
            let cause = diagnostics.finish().last { $0.contains("Fatal error") || $0.contains("error:") }
            throw WorkerFailure(status: 1, message: "plugin \(pluginName) crashed (signal \(process.terminationStatus))"
                                + (cause.map { ": \($0)" } ?? "") + "; nothing was written")
        }
        for line in diagnostics.finish() where !options.verbose {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
        if let failure {
            sink.abort()
            throw failure
        }
        guard process.terminationStatus == 0, let summary else {
            sink.abort()
            throw WorkerFailure(status: 1, message: "plugin \(pluginName): the worker exited with status \(process.terminationStatus) before finishing; nothing was written")
        }
        do {
            try sink.commit(summary)
        } catch {
            sink.abort()
            throw error
        }
        return summary
    }

    static func forEachLine(of handle: FileHandle, _ body: (Data) throws -> Void) throws {
        var pending = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                if newline > start { try body(pending[start..<newline]) }
                start = pending.index(after: newline)
            }
            pending = Data(pending[start...])
        }
        if !pending.isEmpty { try body(pending) }
    }
}
