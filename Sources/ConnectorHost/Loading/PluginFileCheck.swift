import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the loader checks before a plugin file reaches `dlopen`, each failure one line with the fix.
///
/// A plugin runs as the user of connhost, so, like ssh's StrictModes, the plugins directory
/// and each file must be owned by root or that user and writable by nobody else (the
/// directory's parents are not checked: see docs/security.md). Only regular files are
/// opened, never blocking (`O_NONBLOCK`, so a FIFO cannot hang the host), and never through
/// a symbolic link. The ELF header and program headers are checked against the file size,
/// so a truncated copy is refused here instead of raising SIGBUS inside `dlopen`.
enum PluginFileCheck {
    /// Why the plugins directory `path` cannot be trusted, or `nil`; `path` must exist.
    static func directoryProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "plugins directory \(path) does not exist"
                : "plugins directory \(path) cannot be read: \(String(cString: strerror(errno)))"
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "plugins directory \(path) is not a directory" }
        return trustProblem(info, path: path).map { "plugins directory \(path) \($0)" }
    }

    /// Why the file at `path` must not be loaded, or `nil` when `dlopen` may have it.
    static func fileProblem(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? "does not exist" : "cannot be read (\(String(cString: strerror(errno))))"
        }
        if let kind = nonRegularKind(info.st_mode) {
            return kind == "a symbolic link" ? "is a symbolic link; copy the plugin file itself into the directory"
                : "is \(kind), not a plugin file"
        }
        if let problem = trustProblem(info, path: path) { return problem }

        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return errno == EACCES ? "cannot be read (permission denied)" : "cannot be opened (\(String(cString: strerror(errno))))"
        }
        defer { close(descriptor) }
        // The file may have been swapped between lstat and open: look again at what is open.
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return "is not a regular file" }
        return elfProblem(descriptor, size: UInt64(info.st_size))
    }

    /// `a directory`, `a FIFO`… for anything but a regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    /// Refuses an owner other than root or the current user, and group/other write access.
    static func trustProblem(_ info: stat, path: String) -> String? {
        let me = geteuid()
        if info.st_uid != 0 && info.st_uid != me {
            let runner = me == 0 ? "root, who runs connhost" : "root or \(loginName(me)), who runs connhost"
            let fix = me == 0 ? "chown root \(path)" : "chown \(loginName(me)) \(path) as root, or put a copy you own there"
            return "is owned by \(userName(info.st_uid)), not by \(runner), so that user could run code as "
                + "\(loginName(me)): \(fix)"
        }
        let mode = info.st_mode & 0o7777
        if mode & 0o022 != 0 {
            let who = mode & 0o002 != 0 ? "everyone" : "its group"
            return "is writable by \(who) (mode \(String(mode, radix: 8))), so anyone there could run code as "
                + "\(loginName(me)): chmod go-w \(path)"
        }
        return nil
    }

    /// `nobody (uid 65534)`, or `uid N` when the user has no name.
    static func userName(_ uid: uid_t) -> String {
        let name = loginName(uid)
        return name == String(uid) ? "uid \(uid)" : "\(name) (uid \(uid))"
    }

    /// The login name of `uid`, or the number when it has none (as `chown` accepts it).
    static func loginName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return String(uid) }
        return String(cString: name)
    }

    /// The ELF machine this host runs on.
    static var hostMachine: UInt16 {
        #if arch(x86_64)
        return 62
        #elseif arch(arm64)
        return 183
        #else
        return 0
        #endif
    }

    /// Checks the ELF64 header and every program and section header against `size`.
    static func elfProblem(_ descriptor: Int32, size: UInt64) -> String? {
        if size == 0 { return "empty file, not a shared library" }
        var header = [UInt8](repeating: 0, count: 64)
        let read = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 64, 0) }
        guard read >= 4, header[0..<4] == [0x7F, 0x45, 0x4C, 0x46] else { return "not an ELF shared library" }
        guard read == 64 else { return "is truncated: \(size) bytes, shorter than an ELF header" }
        guard header[4] == 2 else { return "is a 32-bit ELF file; connhost loads 64-bit plugins" }
        guard header[5] == 1 else { return "is a big-endian ELF file; rebuild it for this machine" }
        let type = le(header, 16, 2)
        guard type == 3 else { return "an ELF file but not a shared library (type \(type))" }
        let machine = le(header, 18, 2)
        guard hostMachine == 0 || machine == UInt64(hostMachine) else {
            return "was built for another machine (ELF machine \(machine), this host is \(hostMachine)); rebuild it here"
        }
        let damaged = "is truncated or damaged (\(size) bytes)"
        let (phoff, phentsize, phnum) = (le(header, 32, 8), le(header, 54, 2), le(header, 56, 2))
        let (shoff, shentsize, shnum) = (le(header, 40, 8), le(header, 58, 2), le(header, 60, 2))
        guard phnum > 0, phentsize == 56, fits(phoff, phentsize * phnum, size) else {
            return "\(damaged): its program headers lie outside the file; copy or build it again"
        }
        guard shoff == 0 || fits(shoff, shentsize * shnum, size) else {
            return "\(damaged): its section headers lie outside the file; copy or build it again"
        }
        var table = [UInt8](repeating: 0, count: Int(phentsize * phnum))
        let tableRead = table.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(phoff)) }
        guard tableRead == table.count else { return "\(damaged): cannot read its program headers" }
        for index in 0..<Int(phnum) {
            let entry = index * 56
            let (offset, fileSize) = (le(table, entry + 8, 8), le(table, entry + 32, 8))
            guard fits(offset, fileSize, size) else {
                return "\(damaged): segment \(index) needs bytes up to \(offset &+ fileSize); copy or build it again"
            }
        }
        return nil
    }

    /// Whether `length` bytes from `offset` lie inside a file of `size` bytes, without overflow.
    private static func fits(_ offset: UInt64, _ length: UInt64, _ size: UInt64) -> Bool {
        offset <= size && length <= size - offset
    }

    /// A little-endian unsigned integer of `count` bytes at `offset`.
    private static func le(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
        (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}
