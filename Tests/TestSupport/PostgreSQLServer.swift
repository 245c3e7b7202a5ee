import ConnectorHost
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server (Debian `postgresql`) shared by the tests of one process.
///
/// Started on first use as the `postgres` user (the server refuses root) in a private
/// temp directory, listening on 127.0.0.1 at a free port with a private socket directory.
/// TCP logins need the superuser's password (scram-sha-256); the socket trusts, for the
/// tests' own `psql`. A watchdog stops the server and removes the directory as soon as
/// the test process is gone, whether it ended or crashed.
public actor PostgreSQLServer {
    public static let shared = PostgreSQLServer()

    /// What a started server offers.
    public struct Running: Sendable {
        public let port: Int
        public let password: String
        public let root: String
        public let binaries: String
        public var socketDirectory: String { root + "/socket" }
    }

    private var starting: Task<Running, any Error>?

    /// The running server, started by the first caller.
    public func running() async throws -> Running {
        if let starting { return try await starting.value }
        let task = Task { try await Self.start() }
        starting = task
        return try await task.value
    }

    /// A fresh database for one test.
    public static func database() async throws -> TestDatabase {
        let server = try await shared.running()
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let database = TestDatabase(server: server, name: name)
        _ = try await database.psql("CREATE DATABASE \(name)", database: "postgres")
        return database
    }

    private static func start() async throws -> Running {
        let binaries = try #require(
            ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
                .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
                .map { "/usr/lib/postgresql/\($0)/bin" }
                .last { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") },
            "PostgreSQL is not installed (scripts/install-deps installs it)")
        // The postgres user must reach the directory: make it and its parent traversable.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("connhost-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/socket", withIntermediateDirectories: true)
        chmod(root, 0o755)
        let password = "pg-" + UUID().uuidString
        try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: root + "/password"))
        try await tool(root, "/bin/chown", ["-R", "postgres:postgres", root])
        try await tool(root, "/usr/sbin/runuser", ["-u", "postgres", "--", binaries + "/initdb", "-D", root + "/data",
                                                   "-U", "postgres", "-E", "UTF8", "--no-sync",
                                                   "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + root + "/password"])
        let port = try freeLoopbackPort()
        try watch(root: root, binaries: binaries)
        // pg_ctl -w polls until the server accepts connections, for at most -t seconds.
        try await tool(root, "/usr/sbin/runuser", ["-u", "postgres", "--", binaries + "/pg_ctl", "-D", root + "/data",
                                                   "-o", "-p \(port) -k \(root)/socket -h 127.0.0.1 -c fsync=off",
                                                   "-l", root + "/server.log", "-w", "-t", "60", "start"])
        return Running(port: port, password: password, root: root, binaries: binaries)
    }

    /// Starts a shell that stops the server and removes `root` once this process is gone
    /// (checked every second, for at most a day).
    private static func watch(root: String, binaries: String) throws {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        watchdog.arguments = ["/bin/sh", "-c", """
            i=0; while kill -0 \(getpid()) 2>/dev/null && [ $i -lt 86400 ]; do sleep 1; i=$((i+1)); done
            runuser -u postgres -- "$1/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1
            rm -rf "$2"
            """, "watchdog", binaries, root]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
    }

    /// Runs a set-up tool with its output appended to `root/setup.log`, not to pipes (the
    /// server it starts lives on and must not hold a pipe of ours open), and awaits it by
    /// polling `waitpid` between sleeps. Spawned directly: Foundation's `Process` never
    /// noticed the exit of `runuser` here (it stayed a zombie). Killed after 90 s.
    private static func tool(_ root: String, _ executable: String, _ arguments: [String]) async throws {
        let log = root + "/setup.log"
        let fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HostError.failed("cannot open \(log)") }
        defer { close(fd) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fd, 1)
        posix_spawn_file_actions_adddup2(&actions, fd, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw HostError.failed("cannot run \(executable): \(String(cString: strerror(spawned)))") }
        let deadline = Date().addingTimeInterval(90)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() >= deadline { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard status == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw HostError.failed("\((executable as NSString).lastPathComponent) \(arguments.first ?? "") failed (\(status)): \(text.suffix(600))")
        }
    }
}

/// One test's database on the shared server.
public struct TestDatabase: Sendable {
    public let server: PostgreSQLServer.Running
    public let name: String

    /// The URL connhost is given, password included.
    public var url: String { "postgresql://postgres:\(server.password)@127.0.0.1:\(server.port)/\(name)" }
    /// The same without the password (for `PGPASSWORD`).
    public var urlWithoutPassword: String { "postgresql://postgres@127.0.0.1:\(server.port)/\(name)" }

    /// Runs `sql` with psql over the private socket; returns the unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String? = nil) async throws -> String {
        let result = try await run(server.binaries + "/psql", ["-h", server.socketDirectory, "-p", String(server.port), "-U", "postgres",
                                                            "-d", database ?? name, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw HostError.failed("psql: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The lines of a one-column query.
    public func column(_ sql: String) async throws -> [String] {
        try await psql(sql).split(separator: "\n").map(String.init)
    }
}
