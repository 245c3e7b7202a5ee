import ConnectorHost
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A decoded 8-bit RGB or RGBA PNG (what Chromium's `--screenshot` writes), enough to
/// tell its size and whether it shows more than one colour.
///
/// Inflating uses the system zlib through `dlopen`: Foundation on Linux has no public
/// inflate, and the test must not trust the file size as a stand-in for content.
struct PNGImage {
    var width: Int
    var height: Int
    /// One `UInt32` per pixel (RGB or RGBA packed), row by row.
    var pixels: [UInt32]

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw HostError.failed("no PNG at \(path)") }
        let bytes = [UInt8](data)
        guard bytes.starts(with: Self.signature) else { throw HostError.failed("\(path) is not a PNG") }
        func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var offset = 8, idat: [UInt8] = []
        var (width, height, depth, colourType, interlace) = (0, 0, 0, 0, 0)
        while offset + 8 <= bytes.count {
            let length = be32(offset)
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length + 4 <= bytes.count else { throw HostError.failed("\(path): truncated \(type) chunk") }
            switch type {
            case "IHDR":
                (width, height) = (be32(body), be32(body + 4))
                (depth, colourType, interlace) = (Int(bytes[body + 8]), Int(bytes[body + 9]), Int(bytes[body + 12]))
            case "IDAT": idat += bytes[body..<body + length]
            default: break
            }
            offset = body + length + 4
        }
        guard depth == 8, [2, 6].contains(colourType), interlace == 0, width > 0, height > 0 else {
            throw HostError.failed("\(path): unsupported PNG (depth \(depth), colour type \(colourType), interlace \(interlace))")
        }
        let channels = colourType == 6 ? 4 : 3
        let stride = width * channels
        let raw = try Self.inflate(idat, expected: height * (stride + 1))
        var previous = [UInt8](repeating: 0, count: stride), current = previous
        var pixels: [UInt32] = []
        pixels.reserveCapacity(width * height)
        for row in 0..<height {
            let start = row * (stride + 1), filter = raw[start]
            for i in 0..<stride {
                let x = raw[start + 1 + i]
                let a = i >= channels ? Int(current[i - channels]) : 0, b = Int(previous[i])
                let c = i >= channels ? Int(previous[i - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw HostError.failed("\(path): bad filter \(filter) on row \(row)")
                }
                current[i] = x &+ UInt8(truncatingIfNeeded: predictor)
            }
            for x in 0..<width {
                var value: UInt32 = 0
                for k in 0..<channels { value = value << 8 | UInt32(current[x * channels + k]) }
                pixels.append(value)
            }
            swap(&previous, &current)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// How many pixels have each colour, most common first.
    var colourCounts: [(colour: UInt32, count: Int)] {
        Dictionary(pixels.map { ($0, 1) }, uniquingKeysWith: +).map { (colour: $0.key, count: $0.value) }.sorted { $0.count > $1.count }
    }

    private typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt>, UnsafePointer<UInt8>, UInt) -> Int32

    private static func inflate(_ input: [UInt8], expected: Int) throws -> [UInt8] {
        guard let zlib = dlopen("libz.so.1", RTLD_NOW), let symbol = dlsym(zlib, "uncompress") else {
            throw HostError.failed("cannot load zlib (libz.so.1) to inflate the PNG")
        }
        let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
        var output = [UInt8](repeating: 0, count: expected)
        var length = UInt(expected)
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { uncompress(out.baseAddress!, &length, $0.baseAddress!, UInt($0.count)) }
        }
        guard status == 0, Int(length) == expected else {
            throw HostError.failed("PNG data does not inflate (zlib status \(status), \(length) of \(expected) bytes)")
        }
        return output
    }
}
