"""A real SMTP server for the e-mail delivery tests (aiosmtpd, Debian's python3-aiosmtpd).

Every accepted message is written to OUT/NNNNN.eml, with its envelope recipients in OUT/NNNNN.rcpt. Faults on demand:
--fail-first N answers the first N DATA commands with CODE (a 4xx: the sender must retry); --reject CODE answers every
DATA with CODE (a 5xx: the sender must give up); --delay-ms makes every DATA answer that much later (a slow server); --tls-cert/--tls-key require STARTTLS (with --implicit-tls: TLS from the first byte, as on port 465); --auth user:password requires AUTH. Prints "ready PORT" once it listens; runs until killed or stdin closes.
"""
import argparse
import asyncio
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out, fail_first, fail_code, reject, delay):
        self.out = out
        self.delay = delay
        self.fail_first = fail_first
        self.fail_code = fail_code
        self.reject = reject
        self.seen = 0
        self.kept = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.seen += 1
            if self.reject:
                return f"{self.reject} 5.1.1 <{envelope.rcpt_tos[0]}>: mailbox unavailable"
            if self.seen <= self.fail_first:
                return f"{self.fail_code} 4.3.2 try again later"
            self.kept += 1
            name = os.path.join(self.out, f"{self.kept:05d}")
        with open(name + ".rcpt.tmp", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        os.replace(name + ".rcpt.tmp", name + ".rcpt")
        with open(name + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.replace(name + ".eml.tmp", name + ".eml")
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-code", type=int, default=451)
    parser.add_argument("--reject", type=int, default=0)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--tls-cert", default="")
    parser.add_argument("--tls-key", default="")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth", default="", help="user:password; AUTH is then required (after STARTTLS)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    options = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.implicit_tls:
            # aiosmtpd counts only STARTTLS as TLS for AUTH; here every byte is already encrypted.
            options.update(ssl_context=context, auth_require_tls=False)
        else:
            options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok)

        options.update(authenticator=authenticator, auth_required=True)
    controller = Controller(Sink(args.out, args.fail_first, args.fail_code, args.reject, args.delay_ms / 1000), hostname="127.0.0.1", port=args.port,
                            **options)
    controller.start()
    print(f"ready {args.port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
