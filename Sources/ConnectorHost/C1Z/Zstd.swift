import CZstd
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Streaming zstd compression and decompression between files, with the settings Baton's
/// c1z encoder and decoder use (`pkg/dotc1z/decoder.go`, `file.go`).
///
/// Both directions work through fixed buffers (libzstd's recommended stream sizes), so a
/// snapshot of any size costs a few hundred KiB of memory, plus the compression window.
public enum Zstd {
    /// Compression level of Baton's writer.
    public static let level: Int32 = 3
    /// The largest window a Baton reader accepts: 128 MiB, as `1 << windowLog`.
    public static let maxWindowLog: Int32 = 27
    /// The most a Baton reader inflates (10 GiB); a larger frame is treated as hostile.
    public static let maxDecodedSize: UInt64 = 10 << 30

    /// Why (de)compression failed, in one line.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// What went wrong, e.g. `the zstd frame is truncated`.
        public var description: String
    }

    // MARK: - Compression

    /// Compresses the file at `path` into one zstd frame passed to `write` piece by piece:
    /// level 3, content checksum, the content size in the frame header, no dictionary.
    ///
    /// The size is pledged up front from `fstat`, which is what lets the frame carry it
    /// (as `ZSTD_compress2` on the whole buffer would) without holding the file in memory.
    public static func compressFile(_ path: String, into write: (UnsafeRawBufferPointer) throws -> Void) throws {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw Failure(description: "cannot stat \(path): \(String(cString: strerror(errno)))") }
        let size = UInt64(info.st_size)

        guard let context = ZSTD_createCCtx() else { throw Failure(description: "zstd: out of memory") }
        defer { ZSTD_freeCCtx(context) }
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1))
        try check(ZSTD_CCtx_setPledgedSrcSize(context, CUnsignedLongLong(size)))

        let inCapacity = ZSTD_CStreamInSize(), outCapacity = ZSTD_CStreamOutSize()
        let inBuffer = UnsafeMutableRawPointer.allocate(byteCount: inCapacity, alignment: 16)
        let outBuffer = UnsafeMutableRawPointer.allocate(byteCount: outCapacity, alignment: 16)
        defer { inBuffer.deallocate(); outBuffer.deallocate() }

        var consumed: UInt64 = 0
        while true {
            let count = Glibc.read(input, inBuffer, inCapacity)
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            consumed += UInt64(count)
            let last = count == 0
            var source = ZSTD_inBuffer(src: inBuffer, size: count, pos: 0)
            // Feed this chunk until it is consumed; at the end, until the frame is flushed.
            while true {
                var sink = ZSTD_outBuffer(dst: outBuffer, size: outCapacity, pos: 0)
                let remaining = ZSTD_compressStream2(context, &sink, &source, last ? ZSTD_e_end : ZSTD_e_continue)
                try check(remaining)
                if sink.pos > 0 { try write(UnsafeRawBufferPointer(start: outBuffer, count: sink.pos)) }
                if last ? remaining == 0 : source.pos == source.size { break }
            }
            if last { break }
        }
        guard consumed == size else {
            throw Failure(description: "\(path) changed size while it was being compressed")
        }
    }

    // MARK: - Decompression

    /// Inflates `input` (zstd frames, nothing else) into the file descriptor `output`;
    /// returns the number of bytes written.
    ///
    /// Fails, like Baton's decoder, on a frame whose window passes 128 MiB, on more than
    /// 10 GiB of output, on a checksum mismatch, on bytes that are not a zstd frame, and on
    /// input that ends inside a frame (a truncated file).
    public static func decompress(_ input: UnsafeRawBufferPointer, to output: Int32,
                                  maxDecodedSize: UInt64 = maxDecodedSize) throws -> UInt64 {
        guard input.count > 0, let base = input.baseAddress else {
            throw Failure(description: "no zstd frame after the c1z header")
        }
        guard let context = ZSTD_createDCtx() else { throw Failure(description: "zstd: out of memory") }
        defer { ZSTD_freeDCtx(context) }
        try check(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, maxWindowLog))

        let outCapacity = ZSTD_DStreamOutSize()
        let outBuffer = UnsafeMutableRawPointer.allocate(byteCount: outCapacity, alignment: 16)
        defer { outBuffer.deallocate() }
        var source = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        var total: UInt64 = 0
        while true {
            var sink = ZSTD_outBuffer(dst: outBuffer, size: outCapacity, pos: 0)
            let hint = ZSTD_decompressStream(context, &sink, &source)
            if ZSTD_isError(hint) != 0 {
                let name = String(cString: ZSTD_getErrorName(hint))
                if ZSTD_getErrorCode(hint) == ZSTD_error_frameParameter_windowTooLarge {
                    throw Failure(description: "the zstd frame needs a window over 128 MiB, which Baton's decoder refuses")
                }
                throw Failure(description: "the zstd data is damaged at byte \(source.pos) (\(name))")
            }
            total += UInt64(sink.pos)
            guard total <= maxDecodedSize else {
                throw Failure(description: "the zstd data inflates past \(maxDecodedSize >> 20) MiB, Baton's limit")
            }
            try writeAll(output, outBuffer, sink.pos)
            // 0: a frame just ended. With input left, a next frame follows (zstd reads
            // concatenated and skippable frames); without, the stream is complete.
            if hint == 0 && source.pos == source.size { return total }
            // Input used up and the output buffer not filled: the frame wants more bytes.
            if source.pos == source.size && sink.pos < sink.size {
                throw Failure(description: "the zstd frame is truncated after \(total) decoded bytes (file cut short?)")
            }
        }
    }

    // MARK: - Plumbing

    private static func check(_ result: Int) throws {
        if ZSTD_isError(result) != 0 {
            throw Failure(description: "zstd: \(String(cString: ZSTD_getErrorName(result)))")
        }
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) throws {
        var offset = 0
        while offset < count {
            let written = Glibc.write(descriptor, buffer + offset, count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write the inflated database: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
