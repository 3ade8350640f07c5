/// Steele, Lea and Flood's SplitMix64: a tiny, fast, seedable generator for load-balancing choices.
///
/// Not cryptographic, and need not be: it only has to spread picks evenly. Seedable so tests (and a
/// loop's selector) are reproducible; stdlib's `SystemRandomNumberGenerator` reads the kernel's entropy
/// on every call, which the request path should not pay for.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mix, also used as a hash of (client, upstream) pairs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
