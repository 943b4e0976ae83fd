#!/usr/bin/python3
"""A real SMTP server for sesame's tests, built on aiosmtpd (Debian's
python3-aiosmtpd): it accepts every message and prints it as one JSON line.

    /usr/bin/python3 tests/smtp/server.py [--port N] [--fail-first N] [--delay-ms N]
        [--refuse-domain DOMAIN]...
        [--starttls CERT KEY [--allow-plain] | --implicit-tls CERT KEY] [--auth USER:PASSWORD]

Standard output, each line flushed at once:
  - first, `listening <port>` (with `--port 0`, the default, a free port);
  - then, for every message accepted, ONE line of JSON:
    {"envelope_from", "rcpt_tos", "from", "to", "subject", "text", "html",
     "content_type", "tls", "auth_user"}
    `text` and `html` are the decoded text/plain and text/html parts, with
    plain newlines (null when there is none); `content_type` is the message's top-level type.
    `from` and `to` are the headers, decoded (RFC 2047). `tls` says whether
    the message came over TLS, `auth_user` who logged in (null: nobody).

`--starttls CERT KEY` offers STARTTLS with that certificate and requires it
before any mail (with `--allow-plain`, only offers it: a client that does
not take it up may still send in clear); `--implicit-tls CERT KEY` speaks TLS from the first byte
(smtps). `--auth USER:PASSWORD` requires that login (over TLS only).

`--fail-first N` answers the first N DATA commands with 451 (a temporary
failure a sender must retry); those messages print no JSON line (stderr
says each was refused). `--refuse-domain DOMAIN` answers RCPT TO for an
address at DOMAIN with 450 (a recipient domain that fails for now), and
says so on stderr as `refused RCPT <address> with 450`. `--delay-ms N` waits N ms before answering each
DATA (a slow server, to show that sending does not delay the service).

It listens on 127.0.0.1 only, and stops cleanly on SIGTERM, SIGINT or
when its standard input ends (so a test that spawned it with a pipe on
stdin cannot leave it behind).
"""

import argparse
import asyncio
import email
import json
import os
import signal
import sys
import threading
from email import policy

import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Collector:
    """The aiosmtpd handler: prints each message, or refuses the first ones."""

    def __init__(self, fail_first, delay_ms, refused_domains):
        self.fail_first = fail_first
        self.delay = delay_ms / 1000
        self.refused_domains = {d.lower() for d in refused_domains}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain in self.refused_domains:
            print(f"refused RCPT <{address}> with 450", file=sys.stderr, flush=True)
            return "450 4.2.0 Mailbox unavailable for now (test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                print(
                    f"smtp test server: DATA refused with 451 ({self.fail_first} more to refuse)",
                    file=sys.stderr,
                    flush=True,
                )
                return "451 4.3.0 Temporary failure, try again later (test server)"
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        line = json.dumps(
            {
                "envelope_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "from": header(message, "From"),
                "to": header(message, "To"),
                "subject": header(message, "Subject"),
                "text": part(message, "plain"),
                "html": part(message, "html"),
                "content_type": message.get_content_type(),
                "tls": over_tls(server, session),
                "auth_user": auth_user(session),
            }
        )
        with self.lock:
            print(line, flush=True)
        return "250 OK"


def over_tls(server, session):
    """STARTTLS sets the session's `ssl`; implicit TLS is the transport's."""
    transport = getattr(server, "transport", None)
    return session.ssl is not None or (
        transport is not None and transport.get_extra_info("ssl_object") is not None
    )


def auth_user(session):
    data = getattr(session, "auth_data", None)
    if isinstance(data, LoginPassword):
        return data.login.decode()
    return None


class Authenticator:
    """Accepts exactly one login (PLAIN or LOGIN)."""

    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login == self.user and auth_data.password == self.password
        )
        return AuthResult(success=ok, auth_data=auth_data if ok else None)


def server_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def header(message, name):
    value = message[name]
    return None if value is None else str(value)


def part(message, subtype):
    """The decoded text of the message's text/<subtype> part, or None."""
    body = message.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_type() != f"text/{subtype}":
        return None
    # Lines end in CRLF on the wire; the decoded text has plain newlines.
    return body.get_content().replace("\r\n", "\n")


class FreePortController(Controller):
    """aiosmtpd's Controller, able to listen on port 0: once bound, it learns
    the port the system picked (before it connects to itself to check that
    it answers)."""

    def _trigger_server(self):
        if self.port == 0:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument(
        "--fail-first",
        type=int,
        default=0,
        metavar="N",
        help="answer the first N DATA commands with 451",
    )
    parser.add_argument(
        "--delay-ms",
        type=int,
        default=0,
        metavar="N",
        help="wait N ms before answering each DATA",
    )
    parser.add_argument(
        "--refuse-domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="answer RCPT TO at DOMAIN with 450",
    )
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--allow-plain", action="store_true")
    parser.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    args = parser.parse_args()

    smtp = {}
    if args.starttls:
        smtp.update(
            tls_context=server_context(*args.starttls),
            require_starttls=not args.allow_plain,
        )
    if args.implicit_tls:
        smtp.update(ssl_context=server_context(*args.implicit_tls))
    if args.auth:
        user, password = args.auth.split(":", 1)
        smtp.update(authenticator=Authenticator(user, password), auth_required=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    controller = FreePortController(
        Collector(args.fail_first, args.delay_ms, args.refuse_domain),
        hostname="127.0.0.1",
        port=args.port,
        **smtp,
    )
    controller.start()
    print(f"listening {controller.port}", flush=True)

    def watch_stdin():
        # The file descriptor, not sys.stdin: a thread blocked in a buffered
        # read would make the interpreter abort at exit.
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    # A timeout on wait() lets the signal handlers run promptly.
    while not stop.wait(0.5):
        pass
    controller.stop()
    sys.stdout.flush()
    # Not a normal exit: the stdin thread may still be blocked in its read.
    os._exit(0)


if __name__ == "__main__":
    main()
