import ConnectorHost
import Foundation

/// Takes a `.c1z` apart and puts it back together, for tests that damage the database inside.
public enum C1ZFile {
    public static let magic = Data("C1ZF\0".utf8)

    /// Inflates the c1z at `path` into a SQLite file beside it and returns its path.
    public static func inflate(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let output = path + ".sqlite"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: output) else { throw HostError.failed("cannot write \(output)") }
        defer { try? handle.close() }
        _ = try data.dropFirst(magic.count).withUnsafeBytes { try Zstd.decompress($0, to: handle.fileDescriptor) }
        return output
    }

    /// Compresses the file at `source` (any bytes) behind `header` into `path`.
    public static func deflate(_ source: String, to path: String, header: Data = magic) throws {
        var data = header
        try Zstd.compressFile(source) { data.append(contentsOf: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// `bytes` written to a temp file and compressed behind the c1z magic into `path`.
    public static func deflate(bytes: Data, to path: String) throws {
        let source = path + ".raw"
        try bytes.write(to: URL(fileURLWithPath: source))
        defer { try? FileManager.default.removeItem(atPath: source) }
        try deflate(source, to: path)
    }
}
