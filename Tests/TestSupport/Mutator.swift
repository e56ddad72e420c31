/// Byte-level mutations biased towards YAML's structural characters.
public enum Mutator {
    public static let interesting: [UInt8] = Array(":-[]{}&*!|>'\"#\n \t%@`?,~".utf8) + [0x00, 0xFF, 0xC3, 0xE2, 0x80]

    public static func mutate(_ input: [UInt8], corpus: [[UInt8]], random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0...random.next(below: 4) {
            let position = random.next(below: bytes.count + 1)
            switch random.next(below: 8) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let index = min(position, bytes.count - 1)
                bytes[index] ^= UInt8(1 << random.next(below: 8))
            case 1:  // insert a structural byte
                bytes.insert(interesting[random.next(below: interesting.count)], at: position)
            case 2 where !bytes.isEmpty:  // delete a range
                let end = min(bytes.count, position + random.next(below: 16) + 1)
                bytes.removeSubrange(min(position, end)..<end)
            case 3:  // duplicate a range
                let end = min(bytes.count, position + random.next(below: 64))
                bytes.insert(contentsOf: bytes[min(position, end)..<end], at: min(position, bytes.count))
            case 4:  // truncate
                bytes = Array(bytes.prefix(position))
            case 5:  // splice in part of another file
                let other = corpus[random.next(below: corpus.count)]
                let start = random.next(below: other.count + 1)
                let end = min(other.count, start + random.next(below: 200))
                bytes.insert(contentsOf: other[start..<end], at: position)
            case 6:  // replace a line's indentation
                if let newline = bytes[min(position, bytes.count)...].firstIndex(of: 10), newline + 1 < bytes.count {
                    bytes.insert(contentsOf: Array(repeating: 32, count: random.next(below: 5)), at: newline + 1)
                }
            default:  // overwrite with a random byte
                if !bytes.isEmpty { bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
        return bytes
    }
}
