/// The path to a value inside a document, rendered as `spec.keys[2].expiresAt` in messages.
///
/// The validator pushes and pops components on one array as it descends, so walking a large
/// manifest builds no strings until something is wrong.
struct FieldPath {
    enum Component {
        case field(String)
        case index(Int)
    }

    private(set) var components: [Component] = []

    mutating func push(_ component: Component) { components.append(component) }
    mutating func pop() { components.removeLast() }

    var rendered: String {
        var text = ""
        for component in components {
            switch component {
            case .field(let name): text += text.isEmpty ? name : "." + name
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "document" : text
    }
}
