#!/usr/bin/env python3
"""Web chat load over local HTTP: the real server (`run_bot.py --web`) in its own process.

1. 200 concurrent sessions ask questions at a person's pace (a pause of 0.5-1.5 s between
   questions): p50 and p99 reply latency, requests per second.
2. The same 200 sessions without pauses (saturation): the most requests per second.
3. 1,000 long polls held open (25 s each, twice): the server's resident memory while they wait.

Each session comes from its own address through a trusted proxy header (X-Forwarded-For), as
behind nginx, so per-address limits apply per session; phase 2 lifts the per-session message
limit (limits.messages_per_minute) in the bench's own config. Only 127.0.0.1 is contacted.

Usage: python bench/web_bench.py [--sessions 200] [--questions 10] [--polls 1000]
Targets: p50 <= 20 ms and p99 <= 100 ms at 200 sessions on 2 cores; memory flat while polls
are held.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent


def questions() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "dev.yaml").read_text(encoding="utf-8"))
    asked = [q for case in data["in_scope"] for q in case["q"]]
    return asked + [q for case in data.get("out_of_scope", []) for q in
                    (case["q"] if isinstance(case, dict) else [case])]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def more_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: independent of what else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def address(n: int) -> str:
    return f"198.18.{n // 250}.{n % 250 + 1}"  # the benchmarking range (RFC 2544), never sent to


async def start_server(folder: Path, port: int, unlimited: bool) -> subprocess.Popen[bytes]:
    config = folder / f"config-{port}.yaml"
    config.write_text(yaml.safe_dump({
        "web": {"port": port, "trusted_proxies": ["127.0.0.1"]},
        "storage": {"path": str(folder / f"bench-{port}.sqlite3")},
        "knowledge": {"path": str(ROOT / "knowledge")},
        "limits": {"messages_per_minute": 100000 if unlimited else 20},
    }), encoding="utf-8")
    server = subprocess.Popen([sys.executable, str(ROOT / "run_bot.py"), "--web", "--config",
                               str(config)], cwd=folder, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, preexec_fn=more_files)
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"http://127.0.0.1:{port}/czat") as response:
                    if response.status == 200:
                        return server
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    server.kill()
    raise SystemExit("the server did not start")


async def sessions_phase(port: int, sessions: int, per_session: int, pause: tuple[float, float],
                         asked: list[str]) -> tuple[list[float], float, dict[int, int]]:
    api = f"http://127.0.0.1:{port}/api/czat"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    rng = random.Random(7)

    async def person(n: int, http: aiohttp.ClientSession) -> None:
        headers = {"X-Forwarded-For": address(n)}
        session = None
        await asyncio.sleep(rng.uniform(0, pause[1]))  # people do not all start at once
        for _ in range(per_session):
            body = {"session": session, "text": rng.choice(asked)}
            started = time.perf_counter()
            async with http.post(api, json=body, headers=headers) as response:
                data = await response.json()
            latencies.append(time.perf_counter() - started)
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status == 200:
                session = data["session"]
            if pause[1]:
                await asyncio.sleep(rng.uniform(*pause))

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        began = time.perf_counter()
        await asyncio.gather(*(person(n, http) for n in range(sessions)))
        took = time.perf_counter() - began
    return latencies, len(latencies) / took, statuses


async def polls_phase(port: int, server: subprocess.Popen[bytes], count: int, rounds: int
                      ) -> list[tuple[str, float]]:
    api = f"http://127.0.0.1:{port}/api/czat"
    memory = [("before sessions", rss_mb(server.pid))]
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        opened: list[tuple[str, int, str]] = []
        for n in range(count):
            ip = address(1000 + n)
            async with http.post(api, json={"session": None, "text": "klaster"},
                                 headers={"X-Forwarded-For": ip}) as response:
                data = await response.json()
            opened.append((data["session"], data["messages"][-1]["id"], ip))
        memory.append((f"{count} sessions made", rss_mb(server.pid)))

        async def hold(session: str, last: int, ip: str) -> int:
            async with http.get(f"{api}/{session}?po={last}",
                                headers={"X-Forwarded-For": ip}) as response:
                await response.read()
                return response.status

        for round_number in range(1, rounds + 1):
            waiting = [asyncio.create_task(hold(*o)) for o in opened]
            previous = 0
            for second in (5, 12, 20):
                await asyncio.sleep(second - previous)
                previous = second
                memory.append((f"round {round_number}, {second} s: {count} polls open",
                               rss_mb(server.pid)))
            done = await asyncio.gather(*waiting)
            assert all(status == 200 for status in done), set(done)
            memory.append((f"round {round_number}: all returned", rss_mb(server.pid)))
    return memory


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(title: str, latencies: list[float], rate: float, statuses: dict[int, int]) -> None:
    print(f"{title}: {len(latencies)} requests, statuses {statuses}")
    print(f"  p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms, {rate:.0f} requests/s")


async def timed_sessions(server: subprocess.Popen[bytes], port: int, args: argparse.Namespace,
                         pauses: tuple[float, float], asked: list[str], title: str) -> None:
    """One sessions phase against a running server: latencies and its CPU per request."""
    used = cpu_seconds(server.pid)
    latencies, rate, statuses = await sessions_phase(
        port, args.sessions, args.questions, pauses, asked)
    report(title, latencies, rate, statuses)
    print(f"  server CPU per request: "
          f"{(cpu_seconds(server.pid) - used) / len(latencies) * 1000:.2f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--questions", type=int, default=10, help="per session")
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2, help="of held long polls")
    args = parser.parse_args()
    more_files()
    asked = questions()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} before the run "
          "(other work on the machine lengthens the tail)")
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = await start_server(Path(folder), port, unlimited=False)
        try:
            await timed_sessions(server, port, args, (0.5, 1.5), asked,
                                 f"{args.sessions} sessions at a person's pace")
        finally:
            server.terminate()
            server.wait(10)
        port = free_port()
        server = await start_server(Path(folder), port, unlimited=True)
        try:
            await timed_sessions(server, port, args, (0.0, 0.0), asked,
                                 f"{args.sessions} sessions without pauses (saturation)")
            if args.polls:
                memory = await polls_phase(port, server, args.polls, args.rounds)
                print("server memory (RSS) with long polls:")
                for label, megabytes in memory:
                    print(f"  {label}: {megabytes:.1f} MB")
        finally:
            server.terminate()
            server.wait(10)

if __name__ == "__main__":
    asyncio.run(main())
