/// Seeded pseudo-random generator. Every piece of fake tenant data comes from one of
/// these so that the same `--seed` and sizes always produce byte-identical tenants.
/// We avoid `Int.random(in:using:)` because its algorithm is not a stable contract.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.finalize(state)
    }

    /// Uniform integer in `0..<n` (n > 0); the modulo bias is irrelevant for fake data.
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    /// Uniform integer in the closed range.
    mutating func between(_ low: Int, _ high: Int) -> Int {
        low + below(high - low + 1)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        StableHash.unit(next()) < p
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// Deterministic Fisher-Yates shuffle.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}

/// Stable (process-independent) hashing. Swift's `Hasher` is randomly seeded per
/// process, so fault draws and generated ids use these functions instead.
enum StableHash {
    /// SplitMix64 output function: a good 64-bit mixer.
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes of a string.
    static func string(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Order-sensitive combination of several values.
    static func combine(_ parts: UInt64...) -> UInt64 {
        var h: UInt64 = 0x2545_F491_4F6C_DD1D
        for part in parts {
            h = finalize(h ^ finalize(part &+ 0x9E37_79B9_7F4A_7C15))
        }
        return h
    }

    /// Maps a hash to a double in [0, 1).
    static func unit(_ h: UInt64) -> Double {
        Double(h >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A generator for one named stream of a seed ("users", "teams", ...), so adding
    /// draws to one stream never shifts another.
    static func stream(_ seed: UInt64, _ name: String, _ index: Int = 0) -> SplitMix64 {
        SplitMix64(seed: combine(seed, string(name), UInt64(truncatingIfNeeded: index)))
    }
}

/// Maps indexes to distinct, random-looking numeric ids `base + P(i)`, where P is a
/// seeded permutation of `0..<modulus` (a 4-round Feistel network with cycle walking).
/// A permutation guarantees no collisions without remembering earlier ids, and unlike
/// an affine map its outputs show no regular spacing once sorted.
struct IdScrambler {
    let base: UInt64
    let modulus: UInt64
    private let halfBits: UInt64
    private let keys: [UInt64]

    init(seed: UInt64, salt: String, base: UInt64, modulus: UInt64) {
        precondition(modulus > 1)
        self.base = base
        self.modulus = modulus
        var bits: UInt64 = 2
        while bits < 64 && (UInt64(1) << bits) < modulus { bits += 2 }
        halfBits = bits / 2
        let saltHash = StableHash.string(salt)
        keys = (0..<4).map { StableHash.combine(seed, saltHash, UInt64($0)) }
    }

    func id(_ index: Int) -> String {
        var value = UInt64(index) % modulus
        repeat { value = permute(value) } while value >= modulus
        return String(base + value)
    }

    /// One pass of the Feistel network over `2 * halfBits` bits.
    private func permute(_ value: UInt64) -> UInt64 {
        let mask = (UInt64(1) << halfBits) - 1
        var left = value >> halfBits
        var right = value & mask
        for key in keys {
            let next = left ^ (StableHash.combine(key, right) & mask)
            left = right
            right = next
        }
        return (left << halfBits) | right
    }
}
