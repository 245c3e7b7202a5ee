import ConnectorHost
import Foundation
import Testing

/// The `sqlite3` command-line shell, the tool people point at a snapshot; tests read and
/// edit databases with it.
public enum SQLiteCLI {
    public static let path = "/usr/bin/sqlite3"

    /// The shell's stdout for `sql` run against `database`, trimmed; throws on a non-zero exit.
    public static func run(_ database: String, _ sql: String) async throws -> String {
        let result = try await TestSupport.run(path, ["-batch", database, sql])
        guard result.status == 0 else { throw HostError.failed("sqlite3 exited \(result.status): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
