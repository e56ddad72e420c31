"""A gatewayd started for the SDK suite: manifests applied with the built gwctl, the built
gatewayd on a loopback ephemeral port, and the strict provider stand-in (`gwbench
mock-upstream`, which refuses what the real OpenAI and Anthropic APIs refuse) behind its
`openai` and `anthropic` providers; all stopped when the session ends.

Expects the products built (`swift build`); GWCTL_BUILD_DIR overrides where they are."""

import json
import os
import pathlib
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("GWCTL_BUILD_DIR", ROOT / ".build" / "debug"))

MANIFESTS = """
apiVersion: gateway/v1
kind: Provider
metadata: {name: oai}
spec:
  type: openai
  baseURL: http://127.0.0.1:UPSTREAM_PORT/v1
  secret: {env: SDK_OPENAI_KEY}
  models:
    - {id: openai/gpt-test, upstream: gpt-test, pricing: {inputPerMTokUSD: 1, outputPerMTokUSD: 1}}
    - {id: openai/break-stream, upstream: break-stream}
    - {id: openai/cut-stream, upstream: cut-stream}
---
apiVersion: gateway/v1
kind: Provider
metadata: {name: claude}
spec:
  type: anthropic
  baseURL: http://127.0.0.1:UPSTREAM_PORT
  secret: {env: SDK_ANTHROPIC_KEY}
  models:
    - {id: anthropic/claude-test, upstream: claude-test, pricing: {inputPerMTokUSD: 3, outputPerMTokUSD: 15}}
    - {id: anthropic/break-stream, upstream: break-stream}
    - {id: anthropic/cut-stream, upstream: cut-stream}
---
apiVersion: gateway/v1
kind: Provider
metadata: {name: mock}
spec:
  type: mock
  zeroDataRetention: true
  models:
    - {id: mock/echo, pricing: {inputPerMTokUSD: 1, outputPerMTokUSD: 1}}
    - {id: mock/embed, pricing: {inputPerMTokUSD: 0.1, outputPerMTokUSD: 0}}
    - {id: mock/broken, upstream: error-500}
    - {id: mock/other}
---
apiVersion: gateway/v1
kind: Team
metadata: {name: main}
spec:
  tier: paid
  keys:
    - {name: app}
    - {name: narrow, models: [mock/echo]}
    - {name: limited, rateLimit: {requestsPerMinute: 1}}
    - {name: expired, expiresAt: 2020-01-01T00:00:00Z}
---
apiVersion: gateway/v1
kind: Team
metadata: {name: frozen}
spec:
  suspended: {reason: "invoice 8812 overdue"}
  keys: [{name: app}]
---
apiVersion: gateway/v1
kind: Team
metadata: {name: broke}
spec:
  keys: [{name: app}]
"""


class Upstream:
    """The strict stand-in: what each provider received, oldest first."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}"

    def received(self):
        with urllib.request.urlopen(self.url + "/_mock/received", timeout=10) as response:
            return json.loads(response.read())

    def raw(self):
        """The last body's own text, byte for byte as the provider received it."""
        return self.received()[-1]["raw"]

    def last(self):
        received = self.received()
        return received[-1] if received else None

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/_mock/received", method="DELETE"), timeout=10)


def wait_for_port(path, process, log_path, what):
    deadline = time.time() + 30
    while not path.exists() or not path.read_text().strip():
        if time.time() > deadline or process.poll() is not None:
            raise RuntimeError(f"{what} did not start: " + log_path.read_text())
        time.sleep(0.05)
    return path.read_text().strip()


class Gateway:
    def __init__(self, directory, port, keys, admin_token, upstream):
        self.directory = directory
        self.url = f"http://127.0.0.1:{port}"
        self.keys = keys
        self.admin_token = admin_token
        self.upstream = upstream

    def key(self, name):
        return self.keys[name]

    def admin(self, method, path, body=None):
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"authorization": f"Bearer {self.admin_token}", "content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def gateway():
    with tempfile.TemporaryDirectory(prefix="gwctl-sdk-") as tmp:
        directory = pathlib.Path(tmp)
        upstream_log = open(directory / "upstream.log", "w")
        upstream_server = subprocess.Popen(
            [BUILD / "gwbench", "mock-upstream", "--port", "0", "--port-file", "upstream-port"],
            cwd=directory, stdout=upstream_log, stderr=subprocess.STDOUT,
        )
        upstream_port = wait_for_port(directory / "upstream-port", upstream_server, directory / "upstream.log",
                                      "the mock upstream")
        (directory / "gateway.yaml").write_text(MANIFESTS.replace("UPSTREAM_PORT", upstream_port))
        environment = dict(os.environ, SDK_OPENAI_KEY="sk-sdk-openai", SDK_ANTHROPIC_KEY="sk-ant-sdk")
        subprocess.run(
            [BUILD / "gwctl", "apply", "gateway.yaml", "--state", "state.db", "--auto-approve",
             "--keys-out", "keys.json"],
            cwd=directory, check=True, capture_output=True, text=True, env=environment,
        )
        keys = {f"{k['team']}/{k['name']}": k["secret"] for k in json.loads((directory / "keys.json").read_text())["keys"]}
        log = open(directory / "gatewayd.log", "w")
        server = subprocess.Popen(
            [BUILD / "gatewayd", "serve", "--state", "state.db", "--init", "--port", "0", "--port-file", "port"],
            cwd=directory, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            port = wait_for_port(directory / "port", server, directory / "gatewayd.log", "gatewayd")
            token = (directory / "admin-token").read_text().strip()
            gw = Gateway(directory, port, keys, token, Upstream(upstream_port))
            gw.admin("POST", "/admin/v1/teams/main/credits", {"amountMicroUSD": 10_000_000, "reason": "sdk suite"})
            yield gw
        finally:
            server.terminate()
            server.wait(timeout=15)
            log.close()
            upstream_server.terminate()
            upstream_server.wait(timeout=15)
            upstream_log.close()
