#!/usr/bin/env python3
"""A tiny SMTP sink for tests: accepts every message and stores it, nothing else.

Usage: smtp_sink.py --dir OUT [--port 0] [--host 127.0.0.1] [--timeout 600]

Listens on HOST:PORT (port 0 = any free port), prints the port on stdout (one line, then
flushes) when ready, and writes every message it receives to OUT as <n>.eml (n = 1, 2, ...;
the exact bytes after the DATA dot-unstuffing, CRLF line endings) plus <n>.envelope with the
MAIL FROM and RCPT TO addresses. Each file appears atomically (written aside, then renamed),
the envelope before the message. Supports EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT;
no AUTH, no STARTTLS (tests set MAIL_STARTTLS=false and MAIL_USE_CREDENTIALS=false).

Exits by itself after --timeout seconds so that a crashed test never leaves it running;
also on SIGTERM/SIGINT. Standard library only (smtpd is gone in Python 3.12).
"""

import argparse
import asyncio
import os
import re
import signal
import sys

MAX_LINE = 4096
MAX_MESSAGE = 10 * 1024 * 1024
IDLE_SECONDS = 60
ADDRESS = re.compile(rb"^(?:MAIL FROM|RCPT TO):\s*<([^>]*)>", re.IGNORECASE)


class Sink:
    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir
        self.count = 0

    def store(self, sender: bytes, recipients: list[bytes], data: bytes) -> int:
        self.count += 1
        n = self.count
        envelope = b"MAIL FROM: " + sender + b"\n" + b"".join(
            b"RCPT TO: " + r + b"\n" for r in recipients)
        self._write(f"{n}.envelope", envelope)
        self._write(f"{n}.eml", data)
        return n

    def _write(self, name: str, data: bytes) -> None:
        tmp = os.path.join(self.out_dir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.out_dir, name))


async def read_line(reader: asyncio.StreamReader) -> bytes | None:
    try:
        line = await asyncio.wait_for(reader.readuntil(b"\n"), IDLE_SECONDS)
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
        return None
    except asyncio.LimitOverrunError:
        return None
    return line


async def session(sink: Sink, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    def reply(text: str) -> None:
        writer.write(text.encode("ascii") + b"\r\n")

    sender: bytes | None = None
    recipients: list[bytes] = []
    reply("220 smtp-sink ESMTP ready")
    try:
        while True:
            await writer.drain()
            line = await read_line(reader)
            if line is None:
                break
            command = line.rstrip(b"\r\n")
            verb = command.split(b" ", 1)[0].upper()
            if verb == b"EHLO":
                reply("250-smtp-sink")
                reply("250-8BITMIME")
                reply(f"250 SIZE {MAX_MESSAGE}")
            elif verb == b"HELO":
                reply("250 smtp-sink")
            elif verb == b"MAIL":
                m = ADDRESS.match(command)
                if not m:
                    reply("501 Syntax: MAIL FROM:<address>")
                    continue
                sender, recipients = m.group(1), []
                reply("250 OK")
            elif verb == b"RCPT":
                m = ADDRESS.match(command)
                if sender is None:
                    reply("503 Need MAIL first")
                elif not m or not m.group(1):
                    reply("501 Syntax: RCPT TO:<address>")
                else:
                    recipients.append(m.group(1))
                    reply("250 OK")
            elif verb == b"DATA":
                if sender is None or not recipients:
                    reply("503 Need MAIL and RCPT first")
                    continue
                reply("354 End data with <CR><LF>.<CR><LF>")
                await writer.drain()
                data = bytearray()
                too_big = False
                while True:
                    chunk = await read_line(reader)
                    if chunk is None:
                        return
                    if chunk.rstrip(b"\r\n") == b".":
                        break
                    if chunk.startswith(b"."):
                        chunk = chunk[1:]  # dot-unstuffing (RFC 5321 4.5.2)
                    if len(data) + len(chunk) > MAX_MESSAGE:
                        too_big = True
                    else:
                        data += chunk
                if too_big:
                    reply("552 Message too big")
                else:
                    n = sink.store(sender, recipients, bytes(data))
                    reply(f"250 OK queued as {n}")
                sender, recipients = None, []
            elif verb == b"RSET":
                sender, recipients = None, []
                reply("250 OK")
            elif verb == b"NOOP":
                reply("250 OK")
            elif verb == b"QUIT":
                reply("221 Bye")
                await writer.drain()
                break
            else:
                reply("502 Command not implemented")
    finally:
        writer.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="folder for <n>.eml files")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="exit after this many seconds (default 600)")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    sink = Sink(args.dir)
    server = await asyncio.start_server(
        lambda r, w: session(sink, r, w), args.host, args.port, limit=MAX_LINE)
    print(server.sockets[0].getsockname()[1], flush=True)

    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    try:
        await asyncio.wait_for(done.wait(), args.timeout)
    except asyncio.TimeoutError:
        print("smtp_sink: timeout, exiting", file=sys.stderr)
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
