"""Fills audit_events with COUNT synthetic events for bench/run audit-log.

    python3 bench/audit_seed.py sqlite PATH COUNT USERS
    python3 bench/audit_seed.py postgres DATABASE_URL COUNT USERS

Each event names a random actor and subject among USERS ids, one of the audit actions, and
a time within the last 300 days; the shape is what the server writes (docs/audit-and-
webhooks.md), so the indexes and the plan are the ones a real log of that size gets.
"""
import random
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

ACTIONS = ["user.login", "user.login", "user.login", "user.logout", "user.registered",
           "user.verified", "user.updated", "user.banned", "user.unbanned",
           "api_key.created", "api_key.deleted", "session.revoked"]


def rows(count, users):
    now = datetime.now(timezone.utc)
    rng = random.Random(42)
    for i in range(count):
        at = now - timedelta(days=300) + timedelta(seconds=i * 300 * 86400 / count)
        subject = rng.randint(1, users)
        actor = subject if rng.random() < 0.8 else rng.randint(1, users)
        action = rng.choice(ACTIONS)
        outcome = "failure" if action == "user.login" and rng.random() < 0.1 else "success"
        yield (at.strftime("%Y-%m-%dT%H:%M:%S.%f000Z"), actor, action, "user", str(subject),
               subject, "10.0.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254)),
               "bench/1.0", outcome, '{"bench":true}', "req-%d" % i)


def seed_sqlite(path, count, users):
    db = sqlite3.connect(path, timeout=60)
    db.execute("PRAGMA busy_timeout = 60000")
    with db:
        db.executemany(
            "INSERT INTO audit_events (at, actor_id, action, target_type, target_id, "
            "subject_user_id, ip, user_agent, outcome, details, request_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows(count, users))
    db.execute("ANALYZE")
    db.close()


def seed_postgres(url, count, users):
    # COPY through psql: a million rows in seconds.
    copy = subprocess.Popen(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c",
         "COPY audit_events (at, actor_id, action, target_type, target_id, subject_user_id, ip, "
         "user_agent, outcome, details, request_id) FROM STDIN"],
        stdin=subprocess.PIPE, text=True)
    for r in rows(count, users):
        copy.stdin.write("\t".join(str(v) for v in r) + "\n")
    copy.stdin.close()
    if copy.wait() != 0:
        sys.exit("audit_seed: COPY failed")
    # VACUUM too: as autovacuum would have by then, it sets the visibility map the index-only
    # count scans rely on.
    subprocess.run(["psql", "-q", url, "-c", "VACUUM ANALYZE audit_events"], check=True)


if __name__ == "__main__":
    kind, target, count, users = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    (seed_sqlite if kind == "sqlite" else seed_postgres)(target, count, users)
