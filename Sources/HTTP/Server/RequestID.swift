/// Request ids: the client's `X-Request-ID` when it is sensible, else a new one. Pure.
public enum RequestID {
    /// Longest accepted incoming id.
    public static let maximumLength = 128

    /// `header` when it is 1 to 128 characters of letters, digits and `-._:/+=`, else nil (an id with
    /// spaces or quotes would corrupt the log line it is copied into).
    public static func accepted(_ header: String?) -> String? {
        guard let header, !header.isEmpty, header.utf8.count <= maximumLength else { return nil }
        let allowed = Array("-._:/+=".utf8)
        for byte in header.utf8 {
            let isAlphanumeric =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            guard isAlphanumeric || allowed.contains(byte) else { return nil }
        }
        return header
    }

    /// Makes new ids: 32 hex digits from a SplitMix64 stream seeded from the system's random source.
    ///
    /// One per event loop (a value, used by one thread), so making an id costs no system call and no lock.
    /// The ids are unpredictable enough to be unique, not secret.
    public struct Generator: Sendable {
        private var state: UInt64

        /// A generator seeded from the system's random source.
        public init() {
            var random = SystemRandomNumberGenerator()
            state = random.next()
        }

        /// A generator with a fixed seed, for tests.
        public init(seed: UInt64) {
            state = seed
        }

        /// The next id.
        public mutating func next() -> String {
            let high = nextWord()
            let low = nextWord()
            // Written straight into the String's storage: two 16-digit Strings and their concatenation cost
            // three allocations per request.
            return String(unsafeUninitializedCapacity: 32) { buffer in
                RequestID.writeHex(high, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<16]))
                RequestID.writeHex(low, into: UnsafeMutableBufferPointer(rebasing: buffer[16..<32]))
                return 32
            }
        }

        private mutating func nextWord() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Writes `value` as 16 lower-case hex digits into `buffer` (16 bytes).
    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        for index in 0..<16 {
            let digit = UInt8(truncatingIfNeeded: value >> (60 - 4 * UInt64(index)) & 0xF)
            buffer[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
        }
    }
}
