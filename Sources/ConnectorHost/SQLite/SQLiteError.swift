import CSQLite

/// A failed SQLite call: the file it was about, SQLite's result code and its message,
/// described on one line.
///
/// `ErrorReport` reports it as a failed run (exit 1); snapshot readers turn it into
/// ``HostError/failed(_:)`` so that every unreadable snapshot fails the same way.
struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The file as messages name it (a snapshot, not the temp file it is written through).
    var file: String
    /// SQLite's primary result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`, …).
    var code: Int32
    /// What went wrong, e.g. `no such table: runs` or `cannot open: unable to open database file`.
    var message: String

    /// Whether another connection holds the lock (worth retrying after the busy timeout).
    var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    /// Whether the file is not (or no longer) a sound database.
    var isDamaged: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }

    var description: String {
        "\(file): SQLite: \(message)" + (isDamaged ? " (truncated or damaged?)" : "")
    }

    /// The same message as a failed run, for callers that report ``HostError`` only.
    var hostError: HostError { .failed(description) }
}
