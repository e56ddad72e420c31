/// Rows of text cells printed the ways reports need: aligned columns for people, RFC 4180 CSV
/// and Markdown tables for machines and pull requests.
public enum Tabular {
    /// Columns separated by two spaces; columns in `rightAligned` are padded on the left (numbers).
    public static func aligned(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        // Widths in Unicode scalars: exact for the ASCII names and ids reports hold, and far
        // cheaper than counting grapheme clusters over a 100k-key report.
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.unicodeScalars.count) }
        }
        var out = ""
        out.reserveCapacity(rows.count * (widths.reduce(0, +) + 2 * columns))
        for row in rows {
            for (column, cell) in row.enumerated() {
                if column > 0 { out += "  " }
                let pad = widths[column] - cell.unicodeScalars.count
                let last = column == row.count - 1
                if rightAligned.contains(column) {
                    out += String(repeating: " ", count: pad) + cell
                } else {
                    out += cell
                    if !last { out += String(repeating: " ", count: pad) }
                }
            }
            out += "\n"
        }
        return out
    }

    /// RFC 4180 CSV, CRLF line ends; the first row is the header.
    public static func csv(_ rows: [[String]]) -> String {
        func quoted(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        return rows.map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A GitHub-flavoured Markdown table; the first row is the header. Pipes in cells are escaped.
    public static func markdown(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        func line(_ cells: [String]) -> String {
            "| "
                + cells.map { $0.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: " | ") + " |\n"
        }
        return line(header) + line(header.map { _ in "---" }) + rows.dropFirst().map(line).joined()
    }
}
