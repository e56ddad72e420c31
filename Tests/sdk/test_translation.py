"""The official SDKs across formats: OpenAI chat, Anthropic messages and the Responses API, each
against an OpenAI-format and an Anthropic-format provider (the strict stand-in). Every test checks
what the client received and what the provider received; a part that cannot be carried is a
400 unsupported_content, never a silent drop."""

import base64
import json

import anthropic
import openai
import pytest

from test_sdks import anthropic_client, openai_client

MODELS = ["openai/gpt-test", "anthropic/claude-test"]
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {"city": {"$ref": "#/$defs/city"}, "unit": {"type": "string", "enum": ["c", "f"]}},
    "required": ["city"],
    "$defs": {"city": {"type": "string", "minLength": 1}},
}
OPENAI_TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city", "parameters": WEATHER_SCHEMA}},
    {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}}},
]
ANTHROPIC_TOOLS = [{"name": t["function"]["name"], "description": t["function"].get("description", ""),
                    "input_schema": t["function"]["parameters"]} for t in OPENAI_TOOLS]
# A 1x1 PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def provider_format(model):
    return "anthropic" if model.startswith("anthropic/") else "openai"


def received(gateway):
    """The provider's view of the last request: (format, path, body)."""
    last = gateway.upstream.last()
    assert last is not None, "the provider received nothing"
    return last["path"], last["body"], last["headers"]


def tools_received(model, body):
    if provider_format(model) == "anthropic":
        return {t["name"]: t["input_schema"] for t in body["tools"]}
    return {t["function"]["name"]: t["function"]["parameters"] for t in body["tools"]}


# MARK: OpenAI chat completions


@pytest.mark.parametrize("model", MODELS)
def test_openai_tool_call(gateway, model):
    completion = openai_client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "weather in Paris?"}], tools=OPENAI_TOOLS,
        tool_choice={"type": "function", "function": {"name": "get_weather"}})
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_weather" and call.id
    assert json.loads(call.function.arguments) == {"city": "mock"}
    _, body, _ = received(gateway)
    # Schemas reach the provider unchanged, $defs included.
    assert tools_received(model, body)["get_weather"] == WEATHER_SCHEMA
    if provider_format(model) == "anthropic":
        assert body["tool_choice"] == {"type": "tool", "name": "get_weather"}


@pytest.mark.parametrize("model", MODELS)
def test_openai_tool_call_streamed(gateway, model):
    stream = openai_client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "weather?"}], tools=OPENAI_TOOLS[:1], stream=True)
    calls, finish = {}, None
    for chunk in stream:
        if not chunk.choices:
            continue
        for delta in chunk.choices[0].delta.tool_calls or []:
            entry = calls.setdefault(delta.index, {"id": None, "name": None, "arguments": ""})
            if delta.id:
                assert entry["id"] is None, "the id comes once, on the call's first delta"
                entry["id"] = delta.id
                entry["name"] = delta.function.name
            entry["arguments"] += delta.function.arguments or ""
        finish = chunk.choices[0].finish_reason or finish
    assert list(calls) == [0]
    assert calls[0]["name"] == "get_weather" and calls[0]["id"]
    assert json.loads(calls[0]["arguments"]) == {"city": "mock"}
    assert finish == "tool_calls"


@pytest.mark.parametrize("model", MODELS)
def test_openai_parallel_tool_calls(gateway, model):
    completion = openai_client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "weather and time, in parallel"}], tools=OPENAI_TOOLS)
    calls = completion.choices[0].message.tool_calls
    assert [c.function.name for c in calls] == ["get_weather", "get_time"]
    assert len({c.id for c in calls}) == 2
    # Asked for one call at a time, the provider is told so and makes one.
    single = openai_client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "weather and time, in parallel"}], tools=OPENAI_TOOLS,
        parallel_tool_calls=False)
    assert len(single.choices[0].message.tool_calls) == 1
    _, body, _ = received(gateway)
    if provider_format(model) == "anthropic":
        assert body["tool_choice"]["disable_parallel_tool_use"] is True
    else:
        assert body["parallel_tool_calls"] is False


@pytest.mark.parametrize("model", MODELS)
def test_openai_tool_result_turn(gateway, model):
    messages = [
        {"role": "user", "content": "weather in Paris and Rome?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_p", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}},
            {"id": "call_r", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]},
        {"role": "tool", "tool_call_id": "call_p", "content": "sunny"},
        {"role": "tool", "tool_call_id": "call_r", "content": "rain"},
    ]
    completion = openai_client(gateway).chat.completions.create(model=model, messages=messages, tools=OPENAI_TOOLS)
    assert completion.choices[0].message.content == "Mock reply to tool results: sunny | rain"
    assert completion.choices[0].finish_reason == "stop"
    _, body, _ = received(gateway)
    if provider_format(model) == "anthropic":
        assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
        assert [b["type"] for b in body["messages"][1]["content"]] == ["tool_use", "tool_use"]
        assert body["messages"][1]["content"][1]["input"] == {}
        assert [b["tool_use_id"] for b in body["messages"][2]["content"]] == ["call_p", "call_r"]


@pytest.mark.parametrize("model", MODELS)
def test_openai_image(gateway, model):
    completion = openai_client(gateway).chat.completions.create(model=model, messages=[{"role": "user", "content": [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/jpg;base64,{PNG}"}}]}])
    assert completion.choices[0].message.content == "Mock reply to: what is this?"
    _, body, _ = received(gateway)
    parts = body["messages"][0]["content"]
    if provider_format(model) == "anthropic":
        assert parts[1] == {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}
    else:
        assert parts[1]["image_url"]["url"] == f"data:image/jpg;base64,{PNG}"


@pytest.mark.parametrize("model", MODELS)
def test_openai_system_prompt(gateway, model):
    openai_client(gateway).chat.completions.create(model=model, messages=[
        {"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"},
        {"role": "developer", "content": "in French"}, {"role": "user", "content": "again"}])
    _, body, _ = received(gateway)
    if provider_format(model) == "anthropic":
        assert body["system"] == "be brief\n\nin French"
        assert [m["role"] for m in body["messages"]] == ["user"]
    else:
        assert [m["role"] for m in body["messages"]] == ["system", "user", "developer", "user"]


@pytest.mark.parametrize("model", MODELS)
def test_openai_stream_usage(gateway, model):
    chunks = list(openai_client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "count"}], stream=True,
        stream_options={"include_usage": True}))
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    assert chunks[-1].usage.prompt_tokens > 0
    without = list(openai_client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "count"}], stream=True))
    assert all(c.usage is None for c in without)


@pytest.mark.parametrize("model", MODELS)
def test_openai_structured_output(gateway, model):
    schema = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
              "required": ["name", "age"], "additionalProperties": False}
    completion = openai_client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "extract"}],
        response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": schema, "strict": True}})
    assert json.loads(completion.choices[0].message.content) == {"name": "mock", "age": 1}
    _, body, _ = received(gateway)
    if provider_format(model) == "anthropic":
        assert body["output_config"] == {"format": {"type": "json_schema", "schema": schema}}


def post_raw(gateway, path, body, key="main/app"):
    import urllib.request
    request = urllib.request.Request(gateway.url + path, data=body, method="POST", headers={
        "authorization": "Bearer " + gateway.key(key), "content-type": "application/json"})
    return urllib.request.urlopen(request, timeout=10)


def test_numbers_and_untouched_fields_reach_the_provider_byte_exactly(gateway):
    openai_client(gateway).chat.completions.create(
        model="openai/gpt-test", messages=[{"role": "user", "content": "hi"}], seed=12345678901234567)
    assert '"seed":12345678901234567' in gateway.upstream.raw()
    # Written by hand, so the numbers are in forms an SDK would normalise: the provider gets
    # exactly these bytes, with only the model replaced.
    body = ('{"messages":[{"role":"user","content":"hi"}],"seed":12345678901234567,"temperature":0.70,'
            '"top_p":1e0,"metadata":{"z":"1","a":"2"},"model":"openai/gpt-test","verbosity":"low",'
            '"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":'
            '{"n":{"type":"number","minimum":-0.0,"maximum":1E3,"multipleOf":0.50}}}}}],"logit_bias":{"50256":-100}}')
    post_raw(gateway, "/v1/chat/completions", body.encode()).read()
    assert gateway.upstream.raw() == body.replace('"model":"openai/gpt-test"', '"model":"gpt-test"')


@pytest.mark.parametrize("extra, part", [
    ({"n": 2}, "n"),
    ({"seed": 7}, "seed"),
    ({"messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}]}]}, "input_audio"),
    ({"logprobs": True}, "logprobs"),
])
def test_openai_parts_anthropic_cannot_carry_are_refused(gateway, extra, part):
    gateway.upstream.reset()
    arguments = {"model": "anthropic/claude-test", "messages": [{"role": "user", "content": "hi"}]}
    arguments.update(extra)
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client(gateway).chat.completions.create(**arguments)
    error = caught.value.body
    assert error["code"] == "unsupported_content"
    assert error["gateway"]["layer"] == "translation"
    assert part in error["message"] and "claude" in error["message"]
    assert gateway.upstream.received() == [], "no provider is called"


def test_a_repeated_key_is_refused(gateway):
    import urllib.error
    body = b'{"model":"openai/gpt-test","messages":[{"role":"user","content":"hi"}],"model":"anthropic/claude-test"}'
    with pytest.raises(urllib.error.HTTPError) as caught:
        post_raw(gateway, "/v1/chat/completions", body)
    assert caught.value.code == 400
    error = json.loads(caught.value.read())["error"]
    assert error["code"] == "invalid_request" and "duplicate key" in error["message"]


@pytest.mark.parametrize("upstream", ["break-stream", "cut-stream"])
def test_a_broken_translated_stream_raises_in_the_openai_sdk(gateway, upstream):
    with pytest.raises(openai.APIError):
        for _ in openai_client(gateway).chat.completions.create(
                model=f"anthropic/{upstream}", messages=[{"role": "user", "content": "hello there"}], stream=True):
            pass


@pytest.mark.parametrize("upstream", ["break-stream", "cut-stream"])
def test_a_broken_translated_stream_raises_in_the_anthropic_sdk(gateway, upstream):
    with pytest.raises(anthropic.APIError):
        with anthropic_client(gateway).messages.stream(
                model=f"openai/{upstream}", max_tokens=50, messages=[{"role": "user", "content": "hello there"}]) as stream:
            for _ in stream:
                pass


# MARK: Anthropic messages


@pytest.mark.parametrize("model", MODELS)
def test_anthropic_tool_use(gateway, model):
    message = anthropic_client(gateway).messages.create(
        model=model, max_tokens=200, messages=[{"role": "user", "content": "weather?"}], tools=ANTHROPIC_TOOLS,
        tool_choice={"type": "tool", "name": "get_weather"})
    assert message.stop_reason == "tool_use"
    uses = [b for b in message.content if b.type == "tool_use"]
    assert [u.name for u in uses] == ["get_weather"] and uses[0].input == {"city": "mock"} and uses[0].id
    _, body, _ = received(gateway)
    assert tools_received(model, body)["get_weather"] == WEATHER_SCHEMA
    if provider_format(model) == "openai":
        assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
        assert body["max_completion_tokens"] == 200


@pytest.mark.parametrize("model", MODELS)
def test_anthropic_tool_use_streamed(gateway, model):
    with anthropic_client(gateway).messages.stream(
            model=model, max_tokens=200, messages=[{"role": "user", "content": "weather and time, in parallel"}],
            tools=ANTHROPIC_TOOLS) as stream:
        events = [event.type for event in stream]
        final = stream.get_final_message()
    assert events.count("message_start") == 1 and events.count("message_stop") == 1
    assert [b.name for b in final.content if b.type == "tool_use"] == ["get_weather", "get_time"]
    assert [b.input for b in final.content if b.type == "tool_use"] == [{"city": "mock"}, {"zone": "mock"}]
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens > 0


@pytest.mark.parametrize("model", MODELS)
def test_anthropic_tool_result_turn(gateway, model):
    message = anthropic_client(gateway).messages.create(model=model, max_tokens=100, tools=ANTHROPIC_TOOLS, messages=[
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [{"type": "text", "text": "checking"},
                                          {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}]}])
    assert message.content[0].text == "Mock reply to tool results: sunny"
    assert message.stop_reason == "end_turn"
    _, body, _ = received(gateway)
    if provider_format(model) == "openai":
        assert [m["role"] for m in body["messages"]] == ["user", "assistant", "tool"]
        assert body["messages"][1]["tool_calls"][0]["function"]["arguments"] == '{"city":"Paris"}'


@pytest.mark.parametrize("model", MODELS)
def test_anthropic_image_and_system(gateway, model):
    message = anthropic_client(gateway).messages.create(model=model, max_tokens=100, system="be brief", messages=[
        {"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
                                     {"type": "text", "text": "what is it?"}]}])
    assert message.content[0].text == "Mock reply to: what is it?"
    _, body, _ = received(gateway)
    if provider_format(model) == "openai":
        assert body["messages"][0] == {"role": "system", "content": "be brief"}
        assert body["messages"][1]["content"][0]["image_url"]["url"] == f"data:image/png;base64,{PNG}"


def test_anthropic_feature_headers_reach_an_anthropic_provider_only(gateway):
    client = anthropic_client(gateway)
    client.messages.create(model="anthropic/claude-test", max_tokens=10, messages=[{"role": "user", "content": "hi"}],
                           extra_headers={"anthropic-beta": "context-1m-2025-08-07", "traceparent":
                                          "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
    _, _, headers = received(gateway)
    assert headers["anthropic-beta"] == "context-1m-2025-08-07"
    assert headers["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c")
    assert "x-api-key" not in headers and "authorization" not in headers
    client.messages.create(model="openai/gpt-test", max_tokens=10, messages=[{"role": "user", "content": "hi"}],
                           extra_headers={"anthropic-beta": "context-1m-2025-08-07"})
    _, _, headers = received(gateway)
    assert "anthropic-beta" not in headers and "anthropic-version" not in headers


def test_anthropic_parts_openai_cannot_carry_are_refused(gateway):
    with pytest.raises(anthropic.BadRequestError) as caught:
        anthropic_client(gateway).messages.create(model="openai/gpt-test", max_tokens=10, extra_body={"top_k": 5},
                                                  messages=[{"role": "user", "content": "hi"}])
    assert caught.value.body["error"]["code"] == "unsupported_content"
    assert "top_k" in caught.value.body["error"]["message"]


# MARK: Responses API


@pytest.mark.parametrize("model", MODELS)
def test_responses_text(gateway, model):
    response = openai_client(gateway).responses.create(model=model, input="hello there", instructions="be brief")
    assert response.status == "completed"
    assert response.output_text == "Mock reply to: hello there"
    assert response.id.startswith("resp_")
    assert response.usage.input_tokens > 0 and response.usage.output_tokens > 0
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    path, body, _ = received(gateway)
    if provider_format(model) == "anthropic":
        assert path == "/v1/messages" and body["system"] == "be brief"
    else:
        assert path == "/v1/responses" and body["input"] == "hello there"


@pytest.mark.parametrize("model", MODELS)
def test_responses_streamed(gateway, model):
    stream = openai_client(gateway).responses.create(model=model, input="stream please", stream=True)
    events = list(stream)
    types = [e.type for e in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "Mock reply to: stream please"
    assert events[-1].response.output_text == text
    assert events[-1].response.usage.output_tokens > 0


@pytest.mark.parametrize("model", MODELS)
def test_responses_tool_round_trip(gateway, model):
    client = openai_client(gateway)
    tools = [{"type": "function", "name": "get_weather", "description": "Weather", "parameters": WEATHER_SCHEMA}]
    first = client.responses.create(model=model, input="weather in Paris?", tools=tools)
    calls = [item for item in first.output if item.type == "function_call"]
    assert [c.name for c in calls] == ["get_weather"] and json.loads(calls[0].arguments) == {"city": "mock"}
    second = client.responses.create(model=model, tools=tools, input=[
        {"role": "user", "content": "weather in Paris?"},
        {"type": "function_call", "call_id": calls[0].call_id, "name": "get_weather", "arguments": calls[0].arguments},
        {"type": "function_call_output", "call_id": calls[0].call_id, "output": "sunny"}])
    assert second.output_text == "Mock reply to tool results: sunny"
    streamed = list(client.responses.create(model=model, input="weather?", tools=tools, stream=True))
    arguments = "".join(e.delta for e in streamed if e.type == "response.function_call_arguments.delta")
    assert json.loads(arguments) == {"city": "mock"}
    assert streamed[-1].response.output[0].type == "function_call"


@pytest.mark.parametrize("model", MODELS)
def test_responses_structured_output(gateway, model):
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"], "additionalProperties": False}
    response = openai_client(gateway).responses.create(
        model=model, input="check", text={"format": {"type": "json_schema", "name": "check", "schema": schema, "strict": True}})
    assert json.loads(response.output_text) == {"ok": True}


def test_responses_previous_response_id_is_refused(gateway):
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client(gateway).responses.create(model="anthropic/claude-test", input="hi", previous_response_id="resp_1")
    assert caught.value.body["code"] == "invalid_request"
    assert "previous_response_id" in caught.value.body["message"]


def test_responses_usage_is_recorded_and_charged(gateway):
    before = gateway.admin("GET", "/admin/v1/usage?team=main")
    openai_client(gateway).responses.create(model="anthropic/claude-test", input="charge me")
    after = gateway.admin("GET", "/admin/v1/usage?team=main")
    count = lambda usage: len(usage["records"] if isinstance(usage, dict) and "records" in usage else usage)
    assert count(after) == count(before) + 1
