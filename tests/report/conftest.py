"""Hand-built scan results for the formatter tests, and a headless Chromium for the page.

Formatter tests never run a scan: they render results built here, which cover every
finding kind (plus one the formatters do not know), every severity, missing texts, a
path that needs URI encoding, and code that tries to break out of the HTML.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lineage.details import CodeMatchDetails, Comparison, Earliest, NoticeDetails
from lineage.models import FileError, Finding, IndexInfo, IndexSource, Match, Region, RefUnit, ScanResult
from lineage.summary import FamilyTotals, Summary, Totals

HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _ref(family: str, org: str, country: str, licence: str, source: str, path: str,
         unit: str, start: int, end: int) -> RefUnit:
    return RefUnit(family, org, country, licence, source, path, unit, start, end)


def _match(ref: RefUnit, similarity: float, regions: tuple[Region, ...]) -> Match:
    return Match(ref, similarity, similarity, similarity, similarity, similarity / 2, regions)


GLM = _ref("vllm:glm4_moe", "Zhipu AI", "CN", "Apache-2.0", "vllm==0.33.0",
           "vllm/model_executor/models/glm4_moe.py", "Glm4MoeAttention", 35, 70)
DEEPSEEK = _ref("vllm:deepseek_v2", "DeepSeek", "CN", "MIT", "vllm==0.33.0",
                "vllm/model_executor/models/deepseek_v2.py", "DeepseekV2Attention", 100, 130)
LLAMA = _ref("transformers:llama", "Meta", "US", "Llama-3.1", "transformers==5.23.0",
             "transformers/models/llama/modeling_llama.py", "load_weights", 5, 20)
EXAONE = _ref("transformers:exaone4", "LG AI Research", "KR", "Apache-2.0", "transformers==5.23.0",
              "transformers/models/exaone4/modeling_exaone4.py", "<module>", 1, 4)
MISTRAL = _ref("transformers:mistral", "Mistral AI", "FR", "Apache-2.0", "transformers==5.23.0",
               "transformers/models/mistral/modeling_mistral.py", "MistralMLP", 50, 60)

GLM_REGIONS = (Region(12, 18, 40, 46), Region(22, 25, 60, 63))
GLM_DETAILS = CodeMatchDetails("class", "core-architecture", "s1", "core-architecture copy of glm4_moe (Zhipu AI, CN)",
                               ("attention projections",), "core-architecture", ("vllm:glm4_moe",), 1, 1, 1,
                               Earliest("vllm:glm4_moe", "2025-07-28"))
REFERENCE_NOTICES = ("# Copyright 2025 Zhipu AI", "# SPDX-License-Identifier: Apache-2.0")
NOTICE_DETAILS = NoticeDetails("Zhipu AI", "Zhipu AI", "CN", "vendor", REFERENCE_NOTICES[0], "Apache-2.0", (), (),
                               Comparison(1, GLM.path, "retained", ("# Copyright 2026 Upstage", HOSTILE),
                                          REFERENCE_NOTICES))


def _numbered(prefix: str, count: int) -> str:
    return "\n".join(f"    {prefix}_{n} = layer({n})" for n in range(1, count + 1)) + "\n"


def _loader_text() -> str:
    lines = [f"line_{n} = {n}" for n in range(1, 26)]
    lines[7] = f'html = "{HOSTILE}"'  # line 8, inside the finding and a region
    return "\n".join(lines) + "\n"


def build_findings() -> tuple[Finding, ...]:
    """Six findings: every known kind, one unknown, every severity and role."""
    return (
        Finding("f-glm", "code-match", "model/solar_open.py", 10, 30, "SolarAttention",
                "core-architecture", "removed", "high",
                (_match(GLM, 0.97, GLM_REGIONS), _match(DEEPSEEK, 0.61, (Region(14, 16, 110, 112),))),
                "The attention class matches GLM-4-MoE line for line; Zhipu's notice was removed.",
                GLM_DETAILS),
        Finding("f-loader", "code-match", "serve/loader.py", 3, 12, "load_weights",
                "inference-glue", "replaced", "medium",
                (_match(LLAMA, 0.82, (Region(6, 9, 8, 11),)),),
                f"Weight loading follows Llama's loader. {HOSTILE}"),
        Finding("f-notice", "notice", "model/solar_open.py", 1, 3, "<module>", None, "retained",
                "low", (), "The upstream notice is kept.", NOTICE_DETAILS),
        Finding("f-licence", "licence", "model/config.py", 1, 4, "<module>", "boilerplate",
                "none-needed", "info", (_match(EXAONE, 0.40, ()),),
                "Apache-2.0 header only."),
        Finding("f-vestige", "vestige", "model/solar_open.py", 33, 36, "SolarModel.load",
                "core-architecture", None, "medium", (_match(GLM, 0.70, (Region(33, 36, 66, 69),)),),
                "Handles a multi-token-prediction layer this model does not have."),
        Finding("f-odd", "weights-hint", "tools/convert weights.py", 2, 5, "convert",
                "common-idiom", "declared", "info", (_match(MISTRAL, 0.55, (Region(2, 5, 52, 55),)),),
                "A kind the formatters do not know."),
    )


def build_result(findings: tuple[Finding, ...] | None = None, **overrides: Any) -> ScanResult:
    """A complete result around ``findings`` (the six above by default)."""
    index = IndexInfo(
        id="idx-2026-11", path="/srv/index",
        sources=(IndexSource("vllm", "pypi", "0.33.0"), IndexSource("transformers", "pypi", "5.23.0")),
        params={"k": 5}, families=42, files=300, units=5000,
    )
    fields: dict[str, Any] = {
        "target": "/work/solar", "revision": "abc123", "index": index,
        "findings": build_findings() if findings is None else findings,
        "errors": (FileError("weights/blob.py", "decode", "not UTF-8 <b>bold</b>"),),
        "files_scanned": 12, "units_scanned": 140,
        "summary": Summary(
            by_family={"vllm:glm4_moe": FamilyTotals(2, 25), "transformers:llama": FamilyTotals(1, 10),
                       "transformers:exaone4": FamilyTotals(1, 4), "transformers:mistral": FamilyTotals(1, 4)},
            by_role={"core-architecture": Totals(2, 25), "inference-glue": Totals(1, 10)},
        ),
        "config": {"fail_on": "high", "threshold": 0.5},
        "tool_version": "0.1.0",
    }
    fields.update(overrides)
    return ScanResult(**fields)


@pytest.fixture(scope="session")
def result() -> ScanResult:
    return build_result()


@pytest.fixture(scope="session")
def make_result() -> Callable[..., ScanResult]:
    """``build_result`` itself, for tests that change a field or two."""
    return build_result


@pytest.fixture(scope="session")
def findings() -> tuple[Finding, ...]:
    return build_findings()


@pytest.fixture(scope="session")
def sources() -> dict[str, str]:
    return {"model/solar_open.py": _numbered("scan", 40), "serve/loader.py": _loader_text()}


@pytest.fixture(scope="session")
def references() -> dict[tuple[str, str], str]:
    return {
        (GLM.source, GLM.path): _numbered("ref", 80),
        (LLAMA.source, LLAMA.path): _numbered("llama", 25),
        (EXAONE.source, EXAONE.path): "# Copyright LG\n# Apache-2.0\n\n\n",
    }


@pytest.fixture(scope="session")
def chromium() -> Iterator[str]:
    """Debian's Chromium; installed with apt-get when missing and running as root."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found is None:
        if os.geteuid() != 0:
            pytest.skip("chromium is not installed and the tests are not root: "
                        "run `apt-get install chromium` to enable the browser tests")
        done = subprocess.run(
            "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium",
            shell=True, capture_output=True, text=True, timeout=1200, check=False,
        )
        found = shutil.which("chromium")
        if done.returncode != 0 or found is None:
            pytest.skip(f"could not install chromium with apt-get: {done.stderr[-500:]}")
    yield found


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/ (gitignored): files the run leaves for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Page:
    """Just enough of the Chrome DevTools Protocol to drive one tab of headless Chromium."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._next = 0

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = len(self.events)
        while True:
            for message in self.events[seen:]:
                if message.get("method") == event:
                    return message
            seen = len(self.events)
            if time.monotonic() > deadline:
                raise TimeoutError(event)
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            finally:
                self.ws.settimeout(30)

    def goto(self, url: str) -> None:
        start = len(self.events)
        self.send("Page.navigate", url=url)
        while not any(m.get("method") == "Page.loadEventFired" for m in self.events[start:]):
            self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.js(
            f"(function(){{var e=document.querySelector({json.dumps(selector)});"
            "e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();"
            "return [r.left+r.width/2, r.top+r.height/2];}())"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def key(self, selector: str, key: str, code: int) -> None:
        """Focus an element and press one key, as a keyboard user would."""
        self.js(f"document.querySelector({json.dumps(selector)}).focus()")
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                      windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, error log entries and dialogs so far."""
        found = []
        for message in self.events:
            method, params = message.get("method"), message.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(f"log: {params['entry'].get('text')}")
            elif method == "Page.javascriptDialogOpening":
                found.append(f"dialog: {params.get('message')}")
        return found

    def screenshot(self, path: Path, width: int = 1280, max_height: int | None = None) -> None:
        """A PNG of the page from the top: all of it, or its first ``max_height`` pixels."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=900,
                  deviceScaleFactor=1, mobile=False)
        height = int(self.js("document.documentElement.scrollHeight"))
        if max_height is not None:
            height = min(height, max_height)
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        shot = self.send("Page.captureScreenshot", format="png", clip=clip,
                         captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))


@pytest.fixture(scope="module")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """A fresh headless Chromium with one blank tab, driven over DevTools (no network)."""
    websocket = pytest.importorskip("websocket")
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--no-first-run",
         "--no-default-browser-check", "--window-size=1280,900",
         f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chromium did not start (exit {proc.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = json.load(reply)
        url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        page = Page(ws)
        for domain in ("Page", "Runtime", "Log"):
            page.send(f"{domain}.enable")
        yield page
        ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
