import CYAML

/// Reads YAML text into positioned nodes through libyaml's event API.
///
/// libyaml does the lexing and parsing (fast, and the reference implementation); this layer
/// owns everything above events: node construction, duplicate keys, anchors and their limits.
public enum YAMLParser {
    /// Parses every document of `bytes`. Never throws: problems come back in the stream.
    /// `firstLine` numbers the first line of `bytes`, for a piece cut from a larger file.
    public static func parse(_ bytes: [UInt8], limits: YAMLLimits = .default, firstLine: Int = 1) -> YAMLStream {
        var builder = NodeBuilder(limits: limits, lineOffset: firstLine - 1)
        bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                builder.fail(.syntax("libyaml could not allocate a parser"), at: Mark(line: 1, column: 1))
                return
            }
            defer { yaml_parser_delete(&parser) }
            // libyaml reads from the buffer lazily; it stays valid for this closure's lifetime.
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var event = yaml_event_t()
            while !builder.stopped {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.problems.append(syntaxProblem(parser, buffer, lineOffset: firstLine - 1))
                    builder.stopped = true
                    break
                }
                let done = event.type == YAML_STREAM_END_EVENT
                builder.consume(&event)
                yaml_event_delete(&event)
                if done { break }
            }
        }
        return YAMLStream(documents: builder.documents, problems: builder.problems)
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String, limits: YAMLLimits = .default) -> YAMLStream {
        parse(Array(text.utf8), limits: limits)
    }

    /// The line and column of a byte offset, counting columns in Unicode scalars as libyaml does.
    private static func mark(ofByte offset: Int, in buffer: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> Mark {
        var line = 1 + lineOffset
        var column = 1
        for byte in buffer.prefix(max(0, min(offset, buffer.count))) {
            if byte == 10 {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }

    private static func syntaxProblem(
        _ parser: yaml_parser_t, _ buffer: UnsafeBufferPointer<UInt8>, lineOffset: Int
    ) -> YAMLProblem {
        var message = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad encoding) carry a byte offset rather than a mark.
            if parser.problem_value != -1 {
                message += " (byte 0x\(String(UInt8(truncatingIfNeeded: parser.problem_value), radix: 16)))"
            }
            message += " at byte offset \(parser.problem_offset)"
            return YAMLProblem(
                .syntax(message), at: mark(ofByte: parser.problem_offset, in: buffer, lineOffset: lineOffset))
        }
        let mark = Mark(
            line: Int(parser.problem_mark.line) + 1 + lineOffset, column: Int(parser.problem_mark.column) + 1)
        guard let context = parser.context.map({ String(cString: $0) }) else {
            return YAMLProblem(.syntax(message), at: mark)
        }
        let contextMark = Mark(
            line: Int(parser.context_mark.line) + 1 + lineOffset, column: Int(parser.context_mark.column) + 1)
        return YAMLProblem(
            .syntax(message), at: mark, context: YAMLProblem.Context(description: context, mark: contextMark))
    }
}

/// Turns events into nodes with explicit stacks, so deep input cannot exhaust the call stack.
///
/// Completed nodes wait on one flat `children` stack; a collection's end event slices its
/// children off the top. This keeps per-node work to an append, whatever the nesting.
private struct NodeBuilder {
    struct Frame {
        var isMapping: Bool
        var mark: Mark
        var tag: String?
        var anchor: String?
        /// Where this collection's children begin on `children`.
        var start: Int
        /// Nodes below this one, counting alias expansions (saturating).
        var weight: Int
    }

    let limits: YAMLLimits
    /// Lines before the parsed text, added to every mark.
    let lineOffset: Int
    var documents: [YAMLDocument] = []
    var problems: [YAMLProblem] = []
    var stopped = false

    private var frames: [Frame] = []
    private var children: [YAMLNode] = []
    private var anchors: [String: (node: YAMLNode, weight: Int)] = [:]
    private var documentMark = Mark(line: 1, column: 1)
    private var documentRoot: YAMLNode?
    private var expandedByAliases = 0

    init(limits: YAMLLimits, lineOffset: Int) {
        self.limits = limits
        self.lineOffset = lineOffset
    }

    mutating func fail(_ kind: YAMLProblem.Kind, at mark: Mark) {
        problems.append(YAMLProblem(kind, at: mark))
        stopped = true
    }

    mutating func consume(_ event: inout yaml_event_t) {
        let mark = Mark(line: Int(event.start_mark.line) + 1 + lineOffset, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors.removeAll(keepingCapacity: true)
            expandedByAliases = 0
            documentRoot = nil
            documentMark = mark
        case YAML_DOCUMENT_END_EVENT:
            let root =
                documentRoot ?? YAMLNode(content: .scalar(YAMLScalar(text: "", style: .plain)), mark: documentMark)
            documents.append(YAMLDocument(root: root, mark: documentMark))
            documentRoot = nil
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = string(data.value, length: data.length)
            let style: YAMLScalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = YAMLNode(
                content: .scalar(YAMLScalar(text: text, style: style)), mark: mark, tag: cString(data.tag))
            complete(node, weight: 1, anchor: cString(data.anchor))
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            open(isMapping: false, mark: mark, tag: cString(data.tag), anchor: cString(data.anchor))
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            open(isMapping: true, mark: mark, tag: cString(data.tag), anchor: cString(data.anchor))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = frames.popLast() else { return }
            let content: YAMLNode.Content =
                frame.isMapping
                ? .mapping(pairs(from: frame.start))
                : .sequence(Array(children[frame.start...]))
            children.removeSubrange(frame.start...)
            complete(
                YAMLNode(content: content, mark: frame.mark, tag: frame.tag), weight: frame.weight, anchor: frame.anchor
            )
        case YAML_ALIAS_EVENT:
            let name = cString(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                problems.append(YAMLProblem(.undefinedAlias(name), at: mark))
                complete(
                    YAMLNode(content: .scalar(YAMLScalar(text: "", style: .plain)), mark: mark), weight: 1, anchor: nil)
                return
            }
            expandedByAliases =
                expandedByAliases.addingReportingOverflow(anchored.weight).overflow
                ? .max : expandedByAliases + anchored.weight
            guard expandedByAliases <= limits.maxAliasExpansion else {
                fail(.aliasExpansionLimit(limits.maxAliasExpansion), at: mark)
                return
            }
            let copy = YAMLNode(content: anchored.node.content, mark: mark, tag: anchored.node.tag)
            complete(copy, weight: anchored.weight, anchor: nil)
        default:
            break
        }
    }

    private mutating func open(isMapping: Bool, mark: Mark, tag: String?, anchor: String?) {
        guard frames.count < limits.maxDepth else {
            fail(.depthLimit(limits.maxDepth), at: mark)
            return
        }
        frames.append(
            Frame(isMapping: isMapping, mark: mark, tag: tag, anchor: anchor, start: children.count, weight: 1))
    }

    private mutating func complete(_ node: YAMLNode, weight: Int, anchor: String?) {
        if let anchor {
            anchors[anchor] = (node, weight)
        }
        guard !frames.isEmpty else {
            documentRoot = node
            return
        }
        let (sum, overflow) = frames[frames.count - 1].weight.addingReportingOverflow(weight)
        frames[frames.count - 1].weight = overflow ? .max : sum
        children.append(node)
    }

    /// The key/value pairs of the mapping whose children start at `start`, dropping (and
    /// reporting) repeated keys. Manifest mappings are small, so a linear scan beats hashing;
    /// past `linearScanLimit` keys an index is built.
    private mutating func pairs(from start: Int) -> [YAMLPair] {
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity((children.count - start) / 2)
        var index: [String: Mark]?
        var position = start
        while position + 1 < children.count {
            let key = children[position]
            let value = children[position + 1]
            position += 2
            if let text = key.scalar?.text {
                var first: Mark?
                if let index {
                    first = index[text]
                } else {
                    for pair in pairs where pair.key.scalar?.text == text {
                        first = pair.key.mark
                        break
                    }
                }
                if let first {
                    problems.append(YAMLProblem(.duplicateKey(key: text, first: first), at: key.mark))
                    continue
                }
                if index != nil {
                    index?[text] = key.mark
                } else if pairs.count >= Self.linearScanLimit {
                    var built: [String: Mark] = [:]
                    for pair in pairs { if let name = pair.key.scalar?.text { built[name] = pair.key.mark } }
                    built[text] = key.mark
                    index = built
                }
            }
            pairs.append(YAMLPair(key: key, value: value))
        }
        return pairs
    }

    private static let linearScanLimit = 16

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
