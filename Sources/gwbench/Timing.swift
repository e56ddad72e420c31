import Foundation

/// Seconds as a Double, for printing.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Prints `what: N.NNN s`.
func report(_ what: String, _ duration: Duration) {
    print("\(what): \(String(format: "%.3f", seconds(duration))) s")
}

/// The value at or above fraction `p` of `values` (nearest rank); 0 for none.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}
