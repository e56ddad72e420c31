/// Cuts a large YAML stream into pieces at document markers, so the pieces parse and validate
/// on several cores. A line starting with `---` and a blank is a document marker wherever it
/// stands (YAML 1.2 forbids it inside scalars), so each piece holds whole documents.
///
/// A file is not cut when a cut could change what it means or where problems are reported:
/// directives (`%YAML`, which bind to the next document), and line breaks other than `\n`
/// (libyaml counts `\r`, NEL, LS and PS as breaks, so line numbers would drift).
struct DocumentChunks {
    struct Chunk {
        var range: Range<Int>
        /// The file line the piece starts on.
        var firstLine: Int
    }

    /// Below this size one core parses faster than two start.
    static let minimumBytes = 1 << 20

    static func split(_ bytes: [UInt8], into pieces: Int) -> [Chunk] {
        let whole = [Chunk(range: 0..<bytes.count, firstLine: 1)]
        guard pieces > 1, bytes.count >= minimumBytes else { return whole }
        var markers: [Int] = []
        var lineStart = true
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x0D: return whole
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85: return whole
            case 0xE2
            where index + 2 < bytes.count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                return whole
            case UInt8(ascii: "%") where lineStart: return whole
            case UInt8(ascii: "-") where lineStart && index > 0 && isMarker(bytes, at: index): markers.append(index)
            default: break
            }
            lineStart = byte == 0x0A
            index += 1
        }
        // Cut at the markers nearest to equal shares of the bytes.
        var cuts: [Int] = []
        var next = 0
        for piece in 1..<pieces {
            let goal = bytes.count * piece / pieces
            while next < markers.count, markers[next] < goal { next += 1 }
            guard next < markers.count else { break }
            if cuts.last != markers[next] { cuts.append(markers[next]) }
        }
        guard !cuts.isEmpty else { return whole }
        var chunks: [Chunk] = []
        var start = 0
        var line = 1
        for cut in cuts + [bytes.count] {
            chunks.append(Chunk(range: start..<cut, firstLine: line))
            line += bytes[start..<cut].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            start = cut
        }
        return chunks
    }

    /// `---` followed by a blank, a line break or the end.
    private static func isMarker(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] == UInt8(ascii: "-")
        else { return false }
        guard index + 3 < bytes.count else { return true }
        let after = bytes[index + 3]
        return after == UInt8(ascii: " ") || after == UInt8(ascii: "\t") || after == 0x0A
    }
}
