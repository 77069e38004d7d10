#!/usr/bin/env python3
"""Server RSS per idle connection, by what the connection did: nothing (`tcp`), one
`GET /healthz` kept alive (`health`), or an open runtime event stream (`stream`).

    python3 scripts/bench-conn-memory.py MODE N PID [--port 3000] [--token psn_...] [--settle 3]

PID is the server's process id, started with PERSONA_RUNTIME_RATE=100000000 so the
per-token rate limit lets every stream open (its RSS is read from /proc). Opens N connections 500 at
a time, waits --settle seconds (3 by default; past jemalloc's 10 s decay, what opening
left behind is returned and only what the open connections hold is counted), prints
the RSS growth per connection, then closes them. Diagnostic
behind docs/benchmarks.md's "where the memory of an idle stream goes"."""
import argparse
import asyncio
import resource


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmRSS for pid {pid}")


async def connect(args):
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    if args.mode == "health":
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
        await writer.drain()
        await reader.readuntil(b'{"status":"ok"}')
    elif args.mode == "stream":
        writer.write(
            (
                "GET /api/runtime/v1/stream HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: Bearer {args.token}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"stream refused: {head.splitlines()[0].decode()} "
                               "(start the server with PERSONA_RUNTIME_RATE=100000000)")
    return writer


async def main(args):
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    before = rss_mib(args.pid)
    held = []
    for start in range(0, args.n, 500):
        held += await asyncio.gather(*[connect(args) for _ in range(min(500, args.n - start))])
    await asyncio.sleep(args.settle)
    after = rss_mib(args.pid)
    per = (after - before) * 1024 / args.n
    print(f"conn_memory mode={args.mode} n={args.n} rss_before_mib={before:.1f} "
          f"rss_after_mib={after:.1f} per_connection_kib={per:.1f}")
    for writer in held:
        writer.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["tcp", "health", "stream"])
    p.add_argument("n", type=int)
    p.add_argument("pid")
    p.add_argument("--port", type=int, default=3000)
    p.add_argument("--token", default="", help="a runtime token with stream:read (mode stream)")
    p.add_argument("--settle", type=float, default=3, help="seconds to wait before reading RSS")
    a = p.parse_args()
    if a.mode == "stream" and not a.token:
        p.error("mode stream needs --token")
    try:
        asyncio.run(main(a))
    except (RuntimeError, OSError) as e:
        raise SystemExit(f"bench-conn-memory: {e}")
