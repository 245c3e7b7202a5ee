import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The directory of stored OAuth credentials, one `<instance>.json` per connector instance
/// (`<account>.json` for a plugin used without a configured instance), private to
/// the user: the directory is created with mode 0700, files with 0600. A directory or
/// file that is looser, or owned by someone else, is refused (like ssh refuses a readable
/// private key) with the `chmod` that fixes it, never repaired behind the user's back:
/// tokens that others could read must be treated as leaked (revoke them, `connhost auth`).
///
/// Files are replaced atomically (a temp file created 0600 from the start, synced, then
/// renamed), so a crash or a concurrent reader never sees half a file, and a refreshed
/// token pair (the old refresh token may already be void) is never lost half-written.
public struct OAuth2TokenStore: Sendable, Equatable {
    /// The directory, e.g. `~/.config/connhost/tokens`.
    public let directory: String

    /// A store in `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// `$XDG_CONFIG_HOME/connhost/tokens`, or `$HOME/.config/connhost/tokens`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> OAuth2TokenStore {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return OAuth2TokenStore(directory: config + "/connhost/tokens")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return OAuth2TokenStore(directory: home + "/.config/connhost/tokens")
    }

    /// The file holding `account`'s tokens. Characters other than letters, digits, `.`,
    /// `_` and `-` become `_`, so an account name can never leave the directory.
    public func path(for account: String) -> String {
        var name = String(account.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return (scalar.isASCII && (c.isLetter || c.isNumber)) || "._-".contains(c) ? c : "_"
        })
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return directory + "/" + name + ".json"
    }

    /// The tokens stored for `account`, or `nil` when there are none.
    public func load(account: String) throws -> OAuth2Tokens? {
        let path = path(for: account)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try requirePrivate(directory, mode: 0o700)
        try requirePrivate(path, mode: 0o600)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConnectorError.other("cannot read the OAuth tokens in \(path)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let tokens: OAuth2Tokens
        do {
            tokens = try decoder.decode(OAuth2Tokens.self, from: data)
        } catch {
            throw ConnectorError.other("\(path) does not hold OAuth tokens connhost can read; delete it and run connhost auth again")
        }
        guard OAuth2Tokens.readableFormats.contains(tokens.format) else {
            throw ConnectorError.other("\(path) is in format \(tokens.format), not \(OAuth2Tokens.format)")
        }
        return tokens
    }

    /// Deletes the file of `account`; returns its path, or `nil` when there was none.
    @discardableResult
    public func remove(account: String) throws -> String? {
        let path = path(for: account)
        guard unlink(path) == 0 else {
            if errno == ENOENT { return nil }
            throw ConnectorError.other("cannot delete \(path): \(String(cString: strerror(errno)))")
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
        return path
    }

    /// Moves the tokens stored under `legacy` (the account name that keyed them before
    /// connector instances) to `account`, unless `account` has its own; returns them, or
    /// `nil` when neither has any. The old file is deleted only after the new one is in place.
    public func adopt(_ legacy: String, as account: String) throws -> OAuth2Tokens? {
        if let own = try load(account: account) { return own }
        guard legacy != account, var tokens = try load(account: legacy) else { return nil }
        tokens.account = account
        try save(tokens)
        try remove(account: legacy)
        return tokens
    }

    /// Stores `tokens` as `<account>.json`, replacing the previous file atomically; returns the path.
    @discardableResult
    public func save(_ tokens: OAuth2Tokens) throws -> String {
        var tokens = tokens
        tokens.format = OAuth2Tokens.format
        let path = path(for: tokens.account)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConnectorError.other("cannot create \(directory): \(error.localizedDescription)")
        }
        try requirePrivate(directory, mode: 0o700)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(tokens) + Data("\n".utf8)

        let temporary = directory + "/." + (path as NSString).lastPathComponent
            + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func fail(_ what: String) -> ConnectorError {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return ConnectorError.other("cannot \(what) \(path): \(reason)")
        }
        // 0600 from the first byte: never a moment when the tokens are readable by others.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fail("create a temporary file for") }
        // The umask can only take bits away; make the mode exactly 0600 all the same.
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        guard written, fsync(fd) == 0 else {
            let code = errno
            close(fd)
            errno = code
            throw fail("write")
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw fail("replace") }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
        return path
    }

    /// Throws unless `path` is a directory (mode 0700) or regular file (0600) of the current
    /// user that no one else can read or write; never follows a symbolic link.
    func requirePrivate(_ path: String, mode: mode_t) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw ConnectorError.other("cannot check \(path): \(String(cString: strerror(errno)))")
        }
        let wanted: mode_t = mode == 0o700 ? S_IFDIR : S_IFREG
        guard info.st_mode & S_IFMT == wanted else {
            throw ConnectorError.other("\(path) is not a \(wanted == S_IFDIR ? "directory" : "regular file"); "
                + "OAuth tokens are kept only in a private \(wanted == S_IFDIR ? "directory" : "file") (remove it)")
        }
        guard info.st_uid == geteuid() else {
            throw ConnectorError.other("\(path) belongs to uid \(info.st_uid), not to you (uid \(geteuid())); "
                + "OAuth tokens must be yours alone: chown \(geteuid()) \(path)")
        }
        let actual = info.st_mode & 0o777
        guard actual & 0o077 == 0 else {
            throw ConnectorError.other("\(path) has mode \(String(actual, radix: 8)), so others may read the OAuth tokens; "
                + "run chmod \(String(mode, radix: 8)) \(path) (and revoke the tokens if others could read them)")
        }
    }
}
