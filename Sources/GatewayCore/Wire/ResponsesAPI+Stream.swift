import Foundation
import GatewayModel

extension ResponsesAPI {
    /// Writes stream parts as Responses API events: `response.created` first, each message,
    /// function call or reasoning run as an output item (`output_item.added`, its deltas and
    /// `.done` events, `output_item.done`), `response.completed` (or `response.incomplete`) last,
    /// with a `sequence_number` on every event and no `[DONE]`.
    public struct StreamEncoder: Sendable {
        private enum Open: Equatable {
            case none
            case message(text: String)
            case function(callID: String, name: String, arguments: String)
            case reasoning(text: String)
        }

        private let model: String
        private let created = Int(Date().timeIntervalSince1970)
        private var id = "resp_gateway"
        private var sequence = 0
        private var started = false
        private var open = Open.none
        private var items: [JSON] = []
        private var finish: FinishReason = .stop
        private var usage = TokenUsage(input: 0, output: 0)
        private var failed = false

        public init(model: String) {
            self.model = model
        }

        private var itemID: String {
            let prefix: String
            switch open {
            case .function: prefix = "fc"
            case .reasoning: prefix = "rs"
            default: prefix = "msg"
            }
            return "\(prefix)_\(id.suffix(12))_\(items.count)"
        }

        public mutating func events(_ part: StreamPart) -> [ServerSentEvent] {
            guard !failed else { return [] }
            if case .failure(let message) = part {
                failed = true
                return [event("error", ["code": "upstream_error", "message": .string(message), "param": nil])]
            }
            var out: [ServerSentEvent] = []
            if !started {
                if case .start(let startID, _, _) = part {
                    id = startID.hasPrefix("resp_") ? startID : "resp_" + startID
                }
                started = true
                let response = ResponsesAPI.envelope(
                    id: id, model: model, created: created, finish: nil, output: [], usage: nil)
                out.append(event("response.created", ["response": response]))
                out.append(event("response.in_progress", ["response": response]))
            }
            switch part {
            case .start: break
            case .text(let text):
                if case .message(let sofar) = open {
                    open = .message(text: sofar + text)
                } else {
                    out += close()
                    open = .message(text: text)
                    out.append(added(ResponsesAPI.messageItem(id: itemID, text: nil, status: "in_progress")))
                    out.append(
                        event(
                            "response.content_part.added",
                            [
                                "item_id": .string(itemID), "output_index": .int(items.count), "content_index": 0,
                                "part": ResponsesAPI.outputText(""),
                            ]))
                }
                out.append(
                    event(
                        "response.output_text.delta",
                        [
                            "item_id": .string(itemID), "output_index": .int(items.count), "content_index": 0,
                            "delta": .string(text), "logprobs": [],
                        ]))
            case .toolCall(_, let callID, let name):
                out += close()
                open = .function(callID: callID, name: name, arguments: "")
                out.append(
                    added(
                        ResponsesAPI.functionItem(
                            id: itemID, callID: callID, name: name, arguments: "", status: "in_progress")))
            case .toolArguments(_, let piece):
                guard case .function(let callID, let name, let sofar) = open else { break }
                open = .function(callID: callID, name: name, arguments: sofar + piece)
                out.append(
                    event(
                        "response.function_call_arguments.delta",
                        ["item_id": .string(itemID), "output_index": .int(items.count), "delta": .string(piece)]))
            case .thinking(let text):
                if case .reasoning(let sofar) = open {
                    open = .reasoning(text: sofar + text)
                } else {
                    out += close()
                    open = .reasoning(text: text)
                    out.append(added(ResponsesAPI.reasoningItem(id: itemID, text: nil)))
                    out.append(
                        event(
                            "response.reasoning_summary_part.added",
                            [
                                "item_id": .string(itemID), "output_index": .int(items.count), "summary_index": 0,
                                "part": ["type": "summary_text", "text": ""],
                            ]))
                }
                out.append(
                    event(
                        "response.reasoning_summary_text.delta",
                        [
                            "item_id": .string(itemID), "output_index": .int(items.count), "summary_index": 0,
                            "delta": .string(text),
                        ]))
            case .signature, .failure: break
            case .finish(let reason): finish = reason
            case .usage(let reported): usage = reported
            case .end:
                out += close()
                let response = ResponsesAPI.envelope(
                    id: id, model: model, created: created, finish: finish, output: items, usage: usage)
                let type = response["status"]?.string == "incomplete" ? "response.incomplete" : "response.completed"
                out.append(event(type, ["response": response]))
            }
            return out
        }

        private mutating func added(_ item: JSON) -> ServerSentEvent {
            event("response.output_item.added", ["output_index": .int(items.count), "item": item])
        }

        /// The `.done` events of the open item, which then joins the output.
        private mutating func close() -> [ServerSentEvent] {
            let id = itemID
            let index = JSON.int(items.count)
            var out: [ServerSentEvent] = []
            let item: JSON
            switch open {
            case .none: return []
            case .message(let text):
                out.append(
                    event(
                        "response.output_text.done",
                        [
                            "item_id": .string(id), "output_index": index, "content_index": 0, "text": .string(text),
                            "logprobs": [],
                        ]))
                out.append(
                    event(
                        "response.content_part.done",
                        [
                            "item_id": .string(id), "output_index": index, "content_index": 0,
                            "part": ResponsesAPI.outputText(text),
                        ]))
                item = ResponsesAPI.messageItem(id: id, text: text, status: "completed")
            case .function(let callID, let name, let arguments):
                let arguments = arguments.isEmpty ? "{}" : arguments
                out.append(
                    event(
                        "response.function_call_arguments.done",
                        ["item_id": .string(id), "output_index": index, "arguments": .string(arguments)]))
                item = ResponsesAPI.functionItem(
                    id: id, callID: callID, name: name, arguments: arguments, status: "completed")
            case .reasoning(let text):
                out.append(
                    event(
                        "response.reasoning_summary_text.done",
                        ["item_id": .string(id), "output_index": index, "summary_index": 0, "text": .string(text)]))
                out.append(
                    event(
                        "response.reasoning_summary_part.done",
                        [
                            "item_id": .string(id), "output_index": index, "summary_index": 0,
                            "part": ["type": "summary_text", "text": .string(text)],
                        ]))
                item = ResponsesAPI.reasoningItem(id: id, text: text)
            }
            out.append(event("response.output_item.done", ["output_index": index, "item": item]))
            items.append(item)
            open = .none
            return out
        }

        private mutating func event(_ type: String, _ fields: JSONObject) -> ServerSentEvent {
            var object: JSONObject = ["type": .string(type), "sequence_number": .int(sequence)]
            sequence += 1
            for (key, value) in fields { object[key] = value }
            return ServerSentEvent(event: type, data: String(decoding: JSON.object(object).encoded(), as: UTF8.self))
        }
    }

    /// Reads a provider's own Responses stream for what gatewayd needs of it: the usage in its
    /// final event. The events themselves pass to the client untouched.
    public struct StreamDecoder: Sendable {
        private var ended = false

        public init() {}

        public mutating func parts(_ event: ServerSentEvent) -> [StreamPart] {
            guard let body = try? JSON.parse(Array(event.data.utf8)) else { return [] }
            switch body["type"]?.string ?? event.event {
            case "response.created":
                return [
                    .start(
                        id: body["response"]?["id"]?.string ?? "resp_gateway",
                        model: body["response"]?["model"]?.string ?? "", inputTokens: nil)
                ]
            case "response.completed", "response.incomplete", "response.failed", "error":
                ended = true
                let usage = body["response"].flatMap(ResponsesAPI.usage(in:)) ?? TokenUsage(input: 0, output: 0)
                return [.usage(usage), .end]
            default: return []
            }
        }

        public mutating func finish() -> [StreamPart] {
            guard !ended else { return [] }
            ended = true
            return [.failure("the provider's stream ended before the answer was finished")]
        }
    }
}
