"""Benchmark POST /api/v1/estimate against a bare Flask JSON endpoint under the same gunicorn.

    .venv/bin/python bench/api.py [--runs 5] [--seconds 2] [--clients 4]

Both apps run at once under identical gunicorn settings (sync workers); runs alternate
bare, estimate, bare, estimate... so both see the same machine. Each run sends
requests for a fixed time from client threads in a separate process (raw sockets,
prebuilt requests) and counts answers. The estimate bodies vary over every district,
step and the first four lanes, with 0, 5 or 15 micro-credentials, 10 years (the
default). Prints each target's req/s (min, median) and the ratio estimate / bare
(target: >= 0.5). The API remembers its answers (an estimate is a pure function of the rules and the options);
a third target, "estimate, every body new", cycles through 20,000 distinct bodies (fte varies), more than it
keeps, so every request is worked out afresh: the engine's own figure. It also prints the server's CPU time per request (its workers' user +
system time over the run, from /proc), and that ratio: on a machine other people are
using too, req/s moves with their load, CPU per request much less.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUNICORN = ["--workers", "2", "--worker-class", "sync", "--log-level", "warning", "--backlog", "512"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(port: int, path: str, body: dict) -> bytes:
    data = json.dumps(body).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data


def estimate_bodies() -> list[dict]:
    """Estimate options spread over every shipped district's latest schedule."""
    from engine import load_districts

    bodies = []
    for district, rules in sorted(load_districts().items()):
        year = rules.school_years()[-1]
        schedule = rules.schedules[rules.schedule_dates()[-1]]
        for row in schedule.rows:
            if row.reserved:
                continue
            for lane in schedule.lanes[:4]:
                for micro_credentials in (0, 5, 15):
                    bodies.append({"district": district, "school_year": year, "step": row.first, "lane": lane,
                                   "micro_credentials": micro_credentials})
    return bodies


def new_bodies(count: int = 20_000) -> list[dict]:
    """`count` distinct estimate bodies: the bodies above, each at a part-time FTE of its own."""
    bodies = estimate_bodies()
    return [dict(bodies[k % len(bodies)], fte=f"{0.50 + (k // len(bodies)) / 100:.2f}") for k in range(count)]


def _client(requests: list[bytes], port: int, seconds: float, threads: int, out) -> None:
    """Send requests round-robin from `threads` threads for `seconds`; put (answers, failures) on `out`."""
    stop = time.perf_counter() + seconds
    counts = [0] * threads
    failures = [0] * threads

    def work(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            with socket.create_connection(("127.0.0.1", port)) as conn:
                conn.sendall(requests[i % len(requests)])
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            if b"".join(chunks[:1]).startswith(b"HTTP/1.1 200"):
                counts[k] += 1
            else:
                failures[k] += 1
            i += threads

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((sum(counts), sum(failures)))


def server_cpu(master: int) -> float:
    """CPU seconds (user + system) its workers have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def measure(requests: list[bytes], port: int, seconds: float, threads: int, master: int = 0) -> tuple[float, float]:
    """Answers per second over one run, from a fresh client process, and the server's CPU ms per answer."""
    context = mp.get_context("fork")
    out = context.Queue()
    cpu_before = server_cpu(master) if master else 0.0
    process = context.Process(target=_client, args=(requests, port, seconds, threads, out))
    process.start()
    answered, failed = out.get()
    process.join()
    cpu = (server_cpu(master) - cpu_before) if master else 0.0
    if failed:
        raise SystemExit(f"{failed} requests to port {port} failed")
    return answered / seconds, 1000 * cpu / max(answered, 1)


def _start(target: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}",
                                target], cwd=ROOT, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn for {target} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    bodies = estimate_bodies()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LANEWISE_ENV": "development", "DATABASE_URL": f"sqlite:///{folder}/bench.db",
               "SECRET_KEY": "bench-only"}
        ports = {"bare": _free_port(), "estimate": _free_port()}
        servers = [_start("bench.api_targets:bare", ports["bare"], env),
                   _start("bench.api_targets:lanewise", ports["estimate"], env)]
        try:
            requests = {"bare": [_request(ports["bare"], "/echo", body) for body in bodies],
                        "estimate": [_request(ports["estimate"], "/api/v1/estimate", body) for body in bodies],
                        "estimate, every body new": [_request(ports["estimate"], "/api/v1/estimate", body)
                                                     for body in new_bodies()]}
            ports["estimate, every body new"] = ports["estimate"]
            masters = {"bare": servers[0].pid, "estimate": servers[1].pid,
                       "estimate, every body new": servers[1].pid}
            for name in requests:  # warm up: each worker reads the rules and fills its cells
                measure(requests[name], ports[name], 1.0, args.clients)
            rates: dict[str, list[float]] = {name: [] for name in requests}
            cpu: dict[str, list[float]] = {name: [] for name in requests}
            for _ in range(args.runs):
                for name in requests:
                    rate, cpu_ms = measure(requests[name], ports[name], args.seconds, args.clients, masters[name])
                    rates[name].append(rate)
                    cpu[name].append(cpu_ms)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    figures = {name: {"min_req_s": round(min(r), 1), "median_req_s": round(statistics.median(r), 1),
                      "server_cpu_ms_per_request_median": round(statistics.median(cpu[name]), 3)}
               for name, r in rates.items()}
    ratio = statistics.median(rates["estimate"]) / statistics.median(rates["bare"])
    figures["ratio_median"] = round(ratio, 3)
    figures["ratio_min"] = round(min(rates["estimate"]) / min(rates["bare"]), 3)
    if statistics.median(cpu["estimate"]) > 0:
        figures["ratio_by_server_cpu"] = round(statistics.median(cpu["bare"]) / statistics.median(cpu["estimate"]), 3)
    new = "estimate, every body new"
    figures["ratio_median_every_body_new"] = round(statistics.median(rates[new]) / statistics.median(rates["bare"]), 3)
    if statistics.median(cpu[new]) > 0:
        figures["ratio_by_server_cpu_every_body_new"] = round(statistics.median(cpu["bare"]) / statistics.median(cpu[new]), 3)
    figures["target"] = ">= 0.5 x the bare endpoint"
    figures["bodies"] = len(bodies)
    print(json.dumps({"POST /api/v1/estimate vs bare Flask JSON": figures}, indent=2))


if __name__ == "__main__":
    main()
