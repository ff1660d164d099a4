"""HTTP load from a second process: wrk when it is installed, else Python threads.

wrk (Debian's package ``wrk``; ``make bench-tools`` installs it) can load the
server far beyond what Python threads can send, so its figures show the
server's limits. Each request may carry a cookie of its own (a returning
visitor's random ``csrftoken``), made by a Lua script. Without wrk the same
measurement runs on Python threads and the output says so: its figures are
bounded by the client and its ratios are only indicative.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

from bench.common import WORK_DIR

WRK = shutil.which("wrk")

LUA = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local random_token = %(random_token)s
local counter = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))

local function token()
  local parts = {}
  for i = 1, 4 do parts[i] = string.format("%%08x", math.random(0, 0x7fffffff)) end
  return table.concat(parts)
end

request = function()
  counter = counter + 1
  local headers = {["X-Forwarded-Proto"] = "https"}
  local cookie = cookies[(counter %% #cookies) + 1]
  if random_token then
    local own = "csrftoken=" .. token()
    if cookie ~= "" then cookie = cookie .. "; " .. own else cookie = own end
  end
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end
"""


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    tool: str


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run(
    port: int,
    paths: list[str],
    *,
    seconds: float,
    connections: int = 16,
    cookies: list[str] | None = None,
    random_token: bool = False,
) -> Load:
    """GET ``paths`` round-robin for ``seconds`` over ``connections``; each
    request carries the next of ``cookies`` and, with ``random_token``, a
    ``csrftoken`` cookie of its own. Every request says it came over HTTPS
    (X-Forwarded-Proto), as the proxy in front of the portal does."""
    cookies = cookies or [""]
    if WRK:
        return _wrk(port, paths, seconds, connections, cookies, random_token)
    return _threads(port, paths, seconds, min(connections, 8), cookies, random_token)


def _wrk(port, paths, seconds, connections, cookies, random_token) -> Load:
    script = Path(tempfile.mkstemp(suffix=".lua", dir=WORK_DIR)[1])
    script.write_text(
        LUA
        % {
            "paths": ", ".join(lua_string(p) for p in paths),
            "cookies": ", ".join(lua_string(c) for c in cookies),
            "random_token": "true" if random_token else "false",
        }
    )
    output = subprocess.run(
        [
            WRK,
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read \d+, write \d+, timeout (\d+)", output
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += int(socket_errors.group(1)) + int(socket_errors.group(2))
    return Load(
        rps=rps,
        p50_ms=_latency(output, "50%"),
        p99_ms=_latency(output, "99%"),
        requests=requests,
        errors=errors,
        tool="wrk",
    )


def _latency(output: str, label: str) -> float:
    match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        return 0.0
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _threads(port, paths, seconds, clients, cookies, random_token) -> Load:
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        mine, ok, errors = [], 0, 0
        n = offset
        while time.monotonic() < stop:
            headers = {"X-Forwarded-Proto": "https"}
            cookie = cookies[n % len(cookies)]
            if random_token:
                own = f"csrftoken={uuid.uuid4().hex}"
                cookie = f"{cookie}; {own}" if cookie else own
            if cookie:
                headers["Cookie"] = cookie
            started = time.perf_counter()
            try:
                connection = HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", paths[n % len(paths)], headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                status = response.status
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            n += 1
            ok, errors = (ok + 1, errors) if status < 400 else (ok, errors + 1)
        with lock:
            latencies.extend(mine)
            counts["ok"] += ok
            counts["errors"] += errors

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def at(q: float) -> float:
        return latencies[int(q * (len(latencies) - 1))] * 1000 if latencies else 0.0

    total = counts["ok"] + counts["errors"]
    return Load(
        rps=total / elapsed if elapsed else 0.0,
        p50_ms=at(0.5),
        p99_ms=at(0.99),
        requests=total,
        errors=counts["errors"],
        tool="Python threads",
    )
