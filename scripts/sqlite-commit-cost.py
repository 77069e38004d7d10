#!/usr/bin/env python3
"""What one second of recorded decisions costs SQLite, by rows per transaction.

Copies a database seeded by the `runtime_seed` bench (argv[1]), then writes 8 seconds'
worth of decisions (11,520 a second, random personas among 1,000, or among argv[4];
32-row INSERTs as the recorder issues them) with the server's pragmas (WAL, synchronous
FULL), committing every `rows_per_txn` rows. Prints the CPU time of the longest commit
(the longest the writer holds the core in one go), and the writer's CPU and bytes
written (WAL and checkpoint, from /proc/self/io) per second.

  python3 scripts/sqlite-commit-cost.py seeded.db 11520 1000   # one transaction a second
  python3 scripts/sqlite-commit-cost.py seeded.db 1024 1000    # 1,024 rows per transaction
  python3 scripts/sqlite-commit-cost.py seeded.db 11520 1000 1 # every decision for one persona
  python3 scripts/sqlite-commit-cost.py seeded.db 11520 1000 1000 idx_decisions_persona  # without it
"""
import datetime
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid

seeded, rows_per_txn, autocheckpoint = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
persona_count = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
# Indexes to drop from the copy first, to see what each costs.
dropped = [i for i in (sys.argv[5] if len(sys.argv) > 5 else "").split(",") if i]
PER_SECOND, SECONDS, CHUNK = 11_520, 8, 32
work = tempfile.mkdtemp()
db = os.path.join(work, "copy.db")
shutil.copy(seeded, db)
c = sqlite3.connect(db, isolation_level=None)
c.execute("pragma journal_mode=wal")
c.execute("pragma synchronous=full")
c.execute(f"pragma wal_autocheckpoint={autocheckpoint}")
for index in dropped:
    c.execute(f"drop index {index}")
columns = [r[1] for r in c.execute("pragma table_info(decisions)") if r[1] != "id"]
one = "(" + ",".join("?" * len(columns)) + ")"
insert = f"insert into decisions ({','.join(columns)}) values " + ",".join([one] * CHUNK)
tenant, space, token = (str(uuid.uuid4()) for _ in range(3))
personas = [str(uuid.uuid4()) for _ in range(persona_count)]
random.seed(1)


def row():
    values = {
        "tenant_id": tenant, "space_id": space, "persona_id": random.choice(personas),
        "capability": "system-4", "action": "action_3", "access": "write",
        "environment": "production", "decision": "allow", "reason": "granted",
        "token_id": token, "decided_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }
    return [values.get(col) for col in columns]


def written():
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("wchar:"))


# Every statement's values are made before the clock starts, so the CPU figure is
# SQLite's (and the interpreter's call into it), not Python building rows.
# As many as the loop below issues (a transaction size that does not divide the second
# rounds it up).
count = SECONDS * len(range(0, PER_SECOND, rows_per_txn)) * len(range(0, rows_per_txn, CHUNK))
statements = [[v for _ in range(CHUNK) for v in row()] for _ in range(count)]
commits = []
cpu = time.process_time()
wrote = written()
for _ in range(SECONDS):
    for _ in range(0, PER_SECOND, rows_per_txn):
        c.execute("begin")
        for _ in range(0, rows_per_txn, CHUNK):
            c.execute(insert, statements.pop())
        started = time.thread_time()
        c.execute("commit")
        commits.append(time.thread_time() - started)
cpu = (time.process_time() - cpu) / SECONDS
wrote = (written() - wrote) / SECONDS
commits.sort()
print(
    f"rows_per_txn={rows_per_txn} wal_autocheckpoint={autocheckpoint}: "
    f"longest commit {commits[-1] * 1000:.1f} ms CPU, p90 {commits[int(len(commits) * 0.9)] * 1000:.1f} ms; "
    f"writer {cpu * 1000:.0f} ms CPU and {wrote / 1e6:.1f} MB written per second"
)
shutil.rmtree(work)
