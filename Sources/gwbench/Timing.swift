import Foundation

/// Seconds as a Double, for printing.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Prints `what: N.NNN s`.
func report(_ what: String, _ duration: Duration) {
    print("\(what): \(String(format: "%.3f", seconds(duration))) s")
}
