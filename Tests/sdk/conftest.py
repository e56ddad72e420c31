"""A gatewayd started for the SDK suite: manifests applied with the built gwctl, the built
gatewayd on a loopback ephemeral port, stopped when the session ends.

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


class Gateway:
    def __init__(self, directory, port, keys, admin_token):
        self.directory = directory
        self.url = f"http://127.0.0.1:{port}"
        self.keys = keys
        self.admin_token = admin_token

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
        (directory / "gateway.yaml").write_text(MANIFESTS)
        subprocess.run(
            [BUILD / "gwctl", "apply", "gateway.yaml", "--state", "state.db", "--auto-approve",
             "--keys-out", "keys.json"],
            cwd=directory, check=True, capture_output=True, text=True,
        )
        keys = {f"{k['team']}/{k['name']}": k["secret"] for k in json.loads((directory / "keys.json").read_text())["keys"]}
        log = open(directory / "gatewayd.log", "w")
        server = subprocess.Popen(
            [BUILD / "gatewayd", "serve", "--state", "state.db", "--init", "--port", "0", "--port-file", "port"],
            cwd=directory, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.time() + 30
            while not (directory / "port").exists() or not (directory / "port").read_text().strip():
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("gatewayd did not start: " + (directory / "gatewayd.log").read_text())
                time.sleep(0.05)
            port = (directory / "port").read_text().strip()
            token = (directory / "admin-token").read_text().strip()
            gw = Gateway(directory, port, keys, token)
            gw.admin("POST", "/admin/v1/teams/main/credits", {"amountMicroUSD": 10_000_000, "reason": "sdk suite"})
            yield gw
        finally:
            server.terminate()
            server.wait(timeout=15)
            log.close()
