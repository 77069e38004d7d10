#!/usr/bin/env python3
"""What one recorded decision costs the database, by rows per commit.

A replica of the decision log's write (app/src/domain/runtime/decision_log.rs) in
Python's sqlite3: the real `decisions` table and indexes (copied from a migrated
database), WAL and synchronous=FULL as the server sets them, 32-row multi-row INSERTs in
one transaction per flush, persona ids drawn at random from 1,000. Prints CPU µs per row
of the timed flushes; the Python side of binding is included, so compare variants, not
absolute figures. docs/benchmarks.md, session 18.

  python3 scripts/recorder-cost.py MIGRATED.db [--rate 12500] [--prefill 250000]
      [--intervals 1,2,4,1,2,4] [--drop idx_decisions_persona,...] [--sort] [--cache -2000]

MIGRATED.db: any database the server has migrated (e.g. after one `persona-console
serve` against an empty file); only its schema is used, on a copy.
"""
import argparse, datetime, os, random, shutil, sqlite3, tempfile, time, uuid

ap = argparse.ArgumentParser()
ap.add_argument("schema_db")
ap.add_argument("--rate", type=int, default=12500, help="decisions a second")
ap.add_argument("--prefill", type=int, default=250000, help="rows already in the table")
ap.add_argument("--intervals", default="1,2,4,1,2,4", help="flush intervals (s) to run, in order")
ap.add_argument("--drop", default="", help="indexes to drop first, comma-separated")
ap.add_argument("--sort", action="store_true", help="sort each batch by persona")
ap.add_argument("--cache", default="-2000", help="SQLite cache_size pragma")
args = ap.parse_args()

rng = random.Random(7)
personas = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(1000)]
tenant, space, token = (str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(3))
cols = ("tenant_id, space_id, persona_id, app_id, capability, action, access, environment, "
        "decision, reason, approval_id, token_id, decided_at")
one = "(" + ", ".join("?" * 13) + ")"
chunk_sql = f"INSERT INTO decisions ({cols}) VALUES " + ", ".join([one] * 32)


def rows(n, start):
    return [(tenant, space, rng.choice(personas), None, f"system-{rng.randint(0, 9)}",
             f"action_{rng.randint(0, 9)}", "write", "production", "allow", "allowed", None,
             token, (start + datetime.timedelta(microseconds=i)).isoformat()) for i in range(n)]


def flush(db, batch):
    db.execute("BEGIN")
    for k in range(0, len(batch), 32):
        chunk = batch[k:k + 32]
        if len(chunk) == 32:
            db.execute(chunk_sql, [v for r in chunk for v in r])
        else:
            db.executemany(f"INSERT INTO decisions ({cols}) VALUES {one}", chunk)
    db.execute("COMMIT")


work = tempfile.mkdtemp()
start = datetime.datetime(2026, 12, 1)
for interval in (int(x) for x in args.intervals.split(",")):
    path = os.path.join(work, f"run{interval}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copy(args.schema_db, path)
    db = sqlite3.connect(path, isolation_level=None)
    for index in filter(None, args.drop.split(",")):
        db.execute(f"DROP INDEX {index}")
    db.execute(f"PRAGMA cache_size={int(args.cache)}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("DELETE FROM decisions")
    pre = rows(args.prefill, start)
    for k in range(0, len(pre), 12500):
        flush(db, pre[k:k + 12500])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    n = args.rate * interval
    flushes = max(2, 16 // interval)  # about 16 s of decisions
    cpu = wall = 0.0
    for _ in range(flushes):
        batch = rows(n, start)
        if args.sort:
            batch.sort(key=lambda r: r[2])
        w0, c0 = time.perf_counter(), time.process_time()
        flush(db, batch)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
    total = n * flushes
    print(f"interval={interval}s rows_per_commit={n} cpu_us_per_row={cpu / total * 1e6:.2f} "
          f"wall_us_per_row={wall / total * 1e6:.2f}", flush=True)
    db.close()
shutil.rmtree(work)
