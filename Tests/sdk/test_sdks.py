"""The official OpenAI and Anthropic SDKs against gatewayd: every call shape, and every error
class arriving as the SDK's typed exception carrying our stable code."""

import anthropic
import openai
import pytest


def openai_client(gateway, key="main/app", **extra):
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key=gateway.key(key) if "/" in key else key,
                         max_retries=0, **extra)


def anthropic_client(gateway, key="main/app"):
    return anthropic.Anthropic(base_url=gateway.url, api_key=gateway.key(key) if "/" in key else key, max_retries=0)


MESSAGES = [{"role": "user", "content": "hello gateway"}]


def test_chat(gateway):
    completion = openai_client(gateway).chat.completions.create(model="mock/echo", messages=MESSAGES)
    assert completion.choices[0].message.content == "Mock reply to: hello gateway"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0


def test_streaming_chat_with_usage(gateway):
    stream = openai_client(gateway).chat.completions.create(
        model="mock/echo", messages=MESSAGES, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Mock reply to: hello gateway"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_messages(gateway):
    message = anthropic_client(gateway).messages.create(model="mock/echo", max_tokens=100, messages=MESSAGES)
    assert message.content[0].text == "Mock reply to: hello gateway"
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens > 0


def test_streaming_messages(gateway):
    with anthropic_client(gateway).messages.stream(model="mock/echo", max_tokens=100, messages=MESSAGES) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Mock reply to: hello gateway"
    assert final.usage.output_tokens > 0


def test_embeddings(gateway):
    result = openai_client(gateway).embeddings.create(model="mock/embed", input=["a", "b"])
    assert len(result.data) == 2
    assert len(result.data[0].embedding) == 8
    assert result.data[0].embedding != result.data[1].embedding


def test_models_lists_only_what_the_key_may_use(gateway):
    narrow = [m.id for m in openai_client(gateway, "main/narrow").models.list()]
    assert narrow == ["mock/echo"]
    everything = [m.id for m in openai_client(gateway).models.list()]
    assert {"mock/echo", "mock/embed", "mock/other"} <= set(everything)
    listed = anthropic_client(gateway, "main/narrow").models.list()
    assert [m.id for m in listed.data] == ["mock/echo"]


@pytest.mark.parametrize("key, model, exception, code", [
    ("gw_not_a_key", "mock/echo", openai.AuthenticationError, "invalid_api_key"),
    ("main/expired", "mock/echo", openai.AuthenticationError, "key_expired"),
    ("broke/app", "mock/echo", openai.APIStatusError, "insufficient_credits"),
    ("frozen/app", "mock/echo", openai.PermissionDeniedError, "team_suspended"),
    ("main/narrow", "mock/other", openai.PermissionDeniedError, "model_not_allowed"),
    ("main/app", "mock/nope", openai.NotFoundError, "model_not_found"),
    ("main/app", "mock/broken", openai.InternalServerError, "upstream_error"),
])
def test_openai_errors_are_typed_with_our_code(gateway, key, model, exception, code):
    with pytest.raises(exception) as caught:
        openai_client(gateway, key).chat.completions.create(model=model, messages=MESSAGES)
    error = caught.value
    assert error.code == code
    assert error.body["gateway"]["requestId"] == error.response.headers["x-request-id"]
    if code == "insufficient_credits":
        assert error.status_code == 402
    if code == "upstream_error":
        assert error.status_code == 502


def test_openai_rate_limit_is_typed_and_says_when_to_retry(gateway):
    client = openai_client(gateway, "main/limited")
    client.chat.completions.create(model="mock/other", messages=MESSAGES)
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="mock/other", messages=MESSAGES)
    assert caught.value.code == "rate_limited"
    assert int(caught.value.response.headers["retry-after"]) >= 1


@pytest.mark.parametrize("key, model, exception, status, code", [
    ("gw_not_a_key", "mock/echo", anthropic.AuthenticationError, 401, "invalid_api_key"),
    ("broke/app", "mock/echo", anthropic.APIStatusError, 402, "insufficient_credits"),
    ("frozen/app", "mock/echo", anthropic.PermissionDeniedError, 403, "team_suspended"),
    ("main/app", "mock/nope", anthropic.NotFoundError, 404, "model_not_found"),
    ("main/app", "mock/broken", anthropic.InternalServerError, 502, "upstream_error"),
])
def test_anthropic_errors_are_typed_with_our_code(gateway, key, model, exception, status, code):
    with pytest.raises(exception) as caught:
        anthropic_client(gateway, key).messages.create(model=model, max_tokens=10, messages=MESSAGES)
    error = caught.value
    assert error.status_code == status
    assert error.body["type"] == "error"
    assert error.body["error"]["code"] == code
    assert error.body["error"]["gateway"]["requestId"] == error.response.headers["request-id"]


def test_suspended_team_error_names_team_and_reason(gateway):
    with pytest.raises(openai.PermissionDeniedError) as caught:
        openai_client(gateway, "frozen/app").chat.completions.create(model="mock/echo", messages=MESSAGES)
    assert caught.value.body["gateway"]["team"] == "frozen"
    assert "invoice 8812 overdue" in caught.value.message


def test_credits_are_debited_for_system_spend(gateway):
    before = gateway.admin("GET", "/admin/v1/teams/main/credits")["balanceMicroUSD"]
    openai_client(gateway).chat.completions.create(model="mock/echo", messages=MESSAGES)
    after = gateway.admin("GET", "/admin/v1/teams/main/credits")["balanceMicroUSD"]
    assert after < before
