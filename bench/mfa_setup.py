#!/usr/bin/env python3
"""Setup for `bench/run login-mfa`: request bodies for POST /login/mfa/ and POST /refresh/.

Every body is single use (a sign-in spends its mfa_token and its user's TOTP step, a
refresh spends its refresh token), so each request of a wrk run needs its own, made in
advance; this script makes them against a running server, one JSON body a line.

  mfa_setup.py csv PREFIX FROM TO                CSV for `gatehouse db seed`: users FROM..TO-1
  mfa_setup.py enrol URL PREFIX FROM TO FILE     sign users FROM..TO-1 in, enrol and confirm
                                                 TOTP; appends "email,base32 secret" to FILE
  mfa_setup.py mfa-bodies URL FILE OUT N MIN     at the current 30-s step s (after waiting for
                                                 step MIN if that is later) writes N bodies
                                                 {"mfa_token","code"}: two a user of FILE (codes
                                                 of steps s and s+1, each with its own
                                                 mfa_token); prints s
  mfa_setup.py refresh-bodies URL PREFIX USERS OUT N
                                                 N bodies {"refresh"}, one sign-in each, round
                                                 robin over users 0..USERS-1 of PREFIX

A user signs in at most once per 30-s step (the replay guard), and a code of step s is
accepted during steps s-1..s+1: the bodies of one mfa-bodies call are all valid until step
s+1 ends (30 to 60 s after they are made), and the next call for the same users must use
steps from s+2 on. Enrolment spends the step of its confirmation code too: MIN must be after
the step enrol ended in. Users are PREFIXNNNNNN@example.com with the password below. Stdlib
only: http.client, one keep-alive connection per thread (BENCH_SETUP_THREADS, 8).
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import struct
import sys
import threading
import time
import urllib.parse

PASSWORD = "Correct-Horse-9"
STEP = 30
THREADS = int(os.environ.get("BENCH_SETUP_THREADS", "8"))


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def email(prefix, i):
    return "%s%06d@example.com" % (prefix, i)


class Client:
    """One keep-alive connection; reconnects once when the server closed it."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def post(self, path, body, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = json.dumps(body)
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request("POST", path, data, headers)
                r = self.conn.getresponse()
                text = r.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if r.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            if r.status // 100 != 2:
                raise RuntimeError("POST %s: %d %s" % (path, r.status, text[:200]))
            return json.loads(text)


def parallel(url, items, work):
    """Runs work(client, item) over items on THREADS threads; results in item order."""
    out = [None] * len(items)
    errors = []
    nxt = [0]
    lock = threading.Lock()

    def run():
        c = Client(url)
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(items) or errors:
                return
            try:
                out[i] = work(c, items[i])
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)
                return

    ts = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise SystemExit("mfa_setup: %s" % errors[0])
    return out


def login(c, addr):
    return c.post("/login/", {"email": addr, "password": PASSWORD})


def cmd_csv(prefix, first, end):
    print("email,password,first_name,last_name")
    for i in range(first, end):
        print("%s,%s,Bench,User%d" % (email(prefix, i), PASSWORD, i))


def cmd_enrol(url, prefix, first, end, path):
    def enrol(c, addr):
        token = login(c, addr)["token"]
        secret = c.post("/users/me/mfa/totp", {}, token)["secret"]
        c.post("/users/me/mfa/totp/confirm", {"code": totp(secret, int(time.time()) // STEP)},
               token)
        return addr, secret

    rows = parallel(url, [email(prefix, i) for i in range(first, end)], enrol)
    with open(path, "a") as f:
        for addr, secret in rows:
            f.write("%s,%s\n" % (addr, secret))


def cmd_mfa_bodies(url, path, out, n, min_step):
    enrolled = [line.strip().split(",") for line in open(path) if line.strip()]
    while int(time.time()) // STEP < min_step:
        time.sleep(0.02)
    s = int(time.time()) // STEP
    # The server takes the first step of s-1..s+1 whose code matches: a user whose code for s
    # or s+1 equals another of s-2..s+2 (one in 10^5) could match a spent step; skip them.
    users = []
    for addr, secret in enrolled:
        if len({totp(secret, s + k) for k in range(-2, 3)}) == 5:
            users.append((addr, secret))
    users = users[:(n + 1) // 2]
    if 2 * len(users) < n:
        raise SystemExit("mfa_setup: %d enrolled users give at most %d bodies, %d asked" %
                         (len(enrolled), 2 * len(users), n))
    items = [(addr, secret, s + k) for addr, secret in users for k in (0, 1)]

    def body(c, item):
        addr, secret, step = item
        r = login(c, addr)
        if not r.get("mfa_required"):
            raise RuntimeError("%s: no second factor asked" % addr)
        return json.dumps({"mfa_token": r["mfa_token"], "code": totp(secret, step)},
                          separators=(",", ":"))

    bodies = parallel(url, items, body)[:n]
    with open(out, "w") as f:
        f.write("\n".join(bodies) + "\n")
    print(s)


def cmd_refresh_bodies(url, prefix, count, out, n):
    def body(c, i):
        r = login(c, email(prefix, i % count))
        return json.dumps({"refresh": r["refresh"]}, separators=(",", ":"))

    bodies = parallel(url, list(range(n)), body)
    with open(out, "w") as f:
        f.write("\n".join(bodies) + "\n")


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "csv" and len(args) == 3:
        cmd_csv(args[0], int(args[1]), int(args[2]))
    elif cmd == "enrol" and len(args) == 5:
        cmd_enrol(args[0], args[1], int(args[2]), int(args[3]), args[4])
    elif cmd == "mfa-bodies" and len(args) == 5:
        cmd_mfa_bodies(args[0], args[1], args[2], int(args[3]), int(args[4]))
    elif cmd == "refresh-bodies" and len(args) == 5:
        cmd_refresh_bodies(args[0], args[1], int(args[2]), args[3], int(args[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
