import CLibPQ
import Foundation

/// One libpq connection, with the few calls the sink and reader need.
///
/// Every failure is a `HostError.failed` of one line with the password redacted: libpq's
/// messages span lines and name hosts and users, and they go straight to the terminal.
final class PostgreSQLConnection {
    /// Seconds libpq waits for a server before giving up, unless the URL says otherwise.
    static let defaultConnectTimeout = "10"

    let url: PostgreSQLURL
    private var connection: OpaquePointer?

    /// Connects to `url`; a refused connection, a wrong password or a missing database
    /// throws the server's reason.
    init(url: PostgreSQLURL) throws {
        self.url = url
        // Keywords are applied in order, so the URL (`dbname`, expanded) overrides the
        // defaults before it and nothing overrides the encoding after it. The keepalive
        // and TCP user timeout defaults turn a server that vanished mid-sync (no RST:
        // host down, network cut) into an error within about a minute instead of a hang.
        let keywords = ["connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                        "fallback_application_name", "dbname", "client_encoding"]
        let values = [Self.defaultConnectTimeout, "30", "10", "3", "60000", "connhost", url.connectionString, "UTF8"]
        connection = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let reason = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            close()
            // libpq names the host and port again; the URL already says which server.
            let cause = reason.replacingOccurrences(of: #"^connection to server (at|on) .*? failed: "#, with: "", options: .regularExpression)
            throw failure("cannot connect to \(url): \(cause)")
        }
        // Notices ("relation already exists, skipping") are not for the user's terminal.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { close() }

    /// Closes the connection; the server rolls back any open transaction.
    func close() {
        if let connection { PQfinish(connection) }
        connection = nil
    }

    /// Runs `sql` (one or more statements without parameters, or one with `$1`…).
    func execute(_ sql: String, _ parameters: [String?] = []) throws {
        _ = try rows(sql, parameters)
    }

    /// Runs one statement and returns its rows as text (`nil` for SQL NULL).
    func rows(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw failure(String(cString: PQresultErrorMessage(result)))
        }
        let columns = PQnfields(result)
        return (0..<PQntuples(result)).map { row in
            (0..<columns).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// Starts `COPY … FROM STDIN` statement `sql`; send rows with `putCopyData`, then `endCopy`.
    func beginCopy(_ sql: String) throws {
        let start = try run(sql, [])
        let status = PQresultStatus(start)
        let message = String(cString: PQresultErrorMessage(start))
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw failure(message) }
    }

    /// Sends rows (COPY text format) of the open COPY. libpq sends as its buffer fills,
    /// so the server parses and inserts while the caller encodes the next rows.
    func putCopyData(_ data: [UInt8]) throws {
        let sent = data.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { PQputCopyData(connection, $0, Int32(buffer.count)) }
            } ?? 1
        }
        guard sent == 1 else { throw failure(lastError) }
    }

    /// Ends the open COPY and waits for the server to finish it; with `abandoning`, the
    /// server discards the rows and fails the COPY with that reason instead.
    func endCopy(abandoning reason: String? = nil) throws {
        guard PQputCopyEnd(connection, reason) == 1 else { throw failure(lastError) }
        var problem: String?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) != PGRES_COMMAND_OK { problem = problem ?? String(cString: PQresultErrorMessage(result)) }
            PQclear(result)
        }
        if let problem { throw failure(problem) }
    }

    // MARK: - Plumbing

    private var lastError: String {
        connection.map { String(cString: PQerrorMessage($0)) } ?? "the connection is closed"
    }

    private func run(_ sql: String, _ parameters: [String?]) throws -> OpaquePointer {
        guard let connection else { throw failure("the connection is closed") }
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(connection, sql)
        } else {
            let strdups = parameters.map { $0.map { strdup($0) } ?? nil }
            defer { strdups.forEach { free($0) } }
            result = strdups.map { UnsafePointer($0) }.withUnsafeBufferPointer {
                PQexecParams(connection, sql, Int32(parameters.count), nil, $0.baseAddress, nil, nil, 0)
            }
        }
        guard let result else { throw failure(lastError) }
        return result
    }

    /// A libpq message as one line: whitespace collapsed, the password redacted.
    private func failure(_ message: String) -> HostError {
        let line = message.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return HostError.failed(url.redact("PostgreSQL: " + (line.isEmpty ? "unknown error" : line)))
    }
}

/// Calls `body` with `strings` as a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
