"""The OpenAI Agents SDK runs a tool-using agent through gatewayd to completion, over the
Responses API and over chat completions, against both provider formats."""

import pytest
from agents import Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled
from openai import AsyncOpenAI

set_tracing_disabled(True)
CALLS = []


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    CALLS.append(city)
    return f"sunny in {city}"


@pytest.mark.parametrize("model", ["openai/gpt-test", "anthropic/claude-test"])
@pytest.mark.parametrize("api", ["responses", "chat"])
def test_agent_with_a_tool_runs_to_completion(gateway, model, api):
    client = AsyncOpenAI(base_url=gateway.url + "/v1", api_key=gateway.key("main/app"), max_retries=0)
    wrapped = (OpenAIResponsesModel if api == "responses" else OpenAIChatCompletionsModel)(model=model, openai_client=client)
    agent = Agent(name="forecaster", instructions="Answer with the weather.", tools=[get_weather], model=wrapped)
    CALLS.clear()
    result = Runner.run_sync(agent, "What is the weather in Paris?")
    assert CALLS == ["mock"]
    assert result.final_output == "Mock reply to tool results: sunny in mock"
