"""End-to-end relay test: a real Postfix, configured only with the output of
`port25 relay-config`, relays a message through a real SMTP relay (aiosmtpd)
that demands TLS and AUTH, and the relay checks what arrived.

Run by scripts/e2e-relay.sh inside fresh network, mount and PID namespaces
(`unshare --net --mount --pid --fork --mount-proc`), never directly: it
refuses to run unless its mount and network namespaces are private. There,
the only network is a loopback nobody else can see, so the relay listens on
the real ports 587 and 465 of 127.0.0.1 and the generated configuration is
used for a custom relay `127.0.0.1` without any port rewriting. Temporary
directories are bind-mounted over /etc/postfix, /var/spool/postfix and
/var/lib/postfix, so the generated commands run verbatim against the paths
they name, and the host's Postfix files are never touched. When this
process ends, the PID namespace ends, and with it every Postfix process.

What deviates from the generated procedure, and why:
- Before the generated steps, /etc/postfix holds Debian's master.cf and
  other package files plus a base main.cf of throwaway-instance settings
  (host name, no local delivery, loopback only, IPv4, the log in a file); the
  smtpd listener is turned off because mail is submitted with sendmail.
- `systemctl reload postfix` becomes `postfix start` (no systemd here), and
  the journalctl/mail.log command reads Postfix's own log file instead.
- The relay's certificate is self-signed: the generated TLS policy is
  `encrypt`, which requires TLS without verifying the certificate, so no CA
  needs to be trusted and smtp_tls_CAfile is left as generated.
Everything else (main.cf settings through the generated `postconf -e`,
sasl_passwd through its here-document, postmap, chmod, postfix check, the
test message through sendmail) is the generated text, run by bash.
"""

import argparse
import datetime
import fcntl
import json
import logging
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# A user name and a password with every character that breaks quoting: both
# quotes, $, backtick, backslash, spaces, colon (password only: the user name
# ends at the first colon in every secrets file), # and non-ASCII.
USERNAME = "u'se\"r $`\\ #é@example.org"
PASSWORD = "p'a\"s$s`w\\o r:d # é✓ ${HOME} $(id) :x"

RECIPIENT = "you@example.com"  # the generated test message's recipient
DELIVERY_TIMEOUT = 60  # seconds for the message to reach the relay
MAILLOG = "/var/lib/postfix/port25-e2e-maillog"

SCENARIOS = {
    # name: (port, implicit TLS)
    "starttls-587": (587, False),
    "implicit-tls-465": (465, True),
}


def log(text):
    print(f"e2e-relay: {text}", flush=True)


def fail(text):
    raise SystemExit(f"e2e-relay: FAIL: {text}")


def check_isolated(outer):
    """Refuses to run outside private mount, network and PID namespaces."""
    for ns, outer_id in zip(("mnt", "net", "pid"), outer.split()):
        if os.readlink(f"/proc/self/ns/{ns}") == outer_id:
            fail(f"not in a private {ns} namespace: run scripts/e2e-relay.sh")
    with open("/proc/self/net/dev") as f:
        interfaces = sorted(line.split(":")[0].strip() for line in f.readlines()[2:])
    if interfaces != ["lo"]:
        fail(f"expected a network namespace with only lo, found {interfaces}")


def loopback_up():
    """`ip link set lo up`, without needing iproute2."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(s, siocgifflags, request))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, **kwargs)


def make_certificate(directory):
    key, cert = os.path.join(directory, "relay.key"), os.path.join(directory, "relay.crt")
    run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", cert, "-subj", "/CN=relay.port25.test",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class Relay:
    """What the relay saw: AUTH attempts and messages, with their TLS state."""

    def __init__(self):
        self.lock = threading.Lock()
        self.auths = []  # (mechanism, login bytes, password bytes, tls, success)
        self.messages = []  # (mail_from, rcpt_tos, content bytes, tls, authenticated)

    @staticmethod
    def tls(server, session):
        transport = server.transport
        return session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None
        )

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            with self.lock:
                self.auths.append((mechanism, None, None, self.tls(server, session), False))
            return AuthResult(success=False, handled=False)
        ok = (auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode())
        with self.lock:
            self.auths.append(
                (mechanism, auth_data.login, auth_data.password, self.tls(server, session), ok)
            )
        return AuthResult(success=ok)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((
                envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                self.tls(server, session), bool(session.authenticated),
            ))
        return "250 2.0.0 Ok: queued by the Port25 test relay"


def start_relay(relay, port, implicit_tls, context):
    common = dict(
        hostname="127.0.0.1", port=port, server_hostname="relay.port25.test",
        authenticator=relay.authenticator, auth_required=True,
    )
    if implicit_tls:
        # TLS from the first byte; aiosmtpd's auth_require_tls only knows
        # STARTTLS, so the authenticator records that TLS was on instead.
        controller = Controller(relay, ssl_context=context, auth_require_tls=False, **common)
    else:
        controller = Controller(
            relay, tls_context=context, require_starttls=True, auth_require_tls=True, **common
        )
    controller.start()
    return controller


def prepare_postfix(work):
    """Private copies of Postfix's directories, bind-mounted over the real
    paths, and the throwaway-instance base main.cf."""
    etc, spool, lib = (os.path.join(work, d) for d in ("etc-postfix", "spool", "lib"))
    shutil.copytree("/etc/postfix", etc, symlinks=True, ignore=shutil.ignore_patterns(
        "main.cf", "sasl_passwd*", "sender_relay*", "sasl"))
    for d in (spool, lib):
        os.mkdir(d, 0o755)
    for source, target in ((etc, "/etc/postfix"), (spool, "/var/spool/postfix"), (lib, "/var/lib/postfix")):
        run(["mount", "--bind", source, target])
    with open("/etc/postfix/main.cf", "w") as f:
        f.write(
            "# Throwaway-instance settings of the Port25 end-to-end test; the\n"
            "# generated settings are merged in by the generated postconf -e.\n"
            "compatibility_level = 3.6\n"
            "myhostname = client.port25.test\n"
            "mydestination =\n"
            "inet_interfaces = loopback-only\n"
            "inet_protocols = ipv4\n"
            f"maillog_file = {MAILLOG}\n"
        )
    os.chmod("/etc/postfix/main.cf", 0o644)
    # No smtpd listener: the test message is submitted with sendmail.
    run(["postconf", "-M#", "smtp/inet"])
    shutil.chown(lib, "postfix", "postfix")
    run(["postfix", "post-install", "create-missing"], stdout=subprocess.DEVNULL)


def procedure_script(commands):
    """The generated commands as one bash script (so umask carries over),
    with the two documented substitutions, each required to match once."""
    substitutions = {
        "systemctl reload postfix": "postfix start",
        "journalctl -u postfix -n 50 --no-pager || tail -n 50 /var/log/mail.log":
            f"sleep 1; tail -n 5 {MAILLOG}",
    }
    used = {k: 0 for k in substitutions}
    lines = ["set -euo pipefail"]
    for i, command in enumerate(commands, 1):
        shell = command["shell"]
        for old, new in substitutions.items():
            if old in shell:
                used[old] += 1
                shell = shell.replace(old, new)
        lines.append(f"echo {json.dumps(f'step {i}: ' + command['description'])}")
        lines.append(shell)
    for old, count in used.items():
        if count != 1:
            fail(f"the generated commands contain {old!r} {count} times, not once")
    return "\n".join(lines) + "\n"


def stop_postfix():
    subprocess.run(["postfix", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid_file = "/var/spool/postfix/pid/master.pid"
    for _ in range(100):
        # This process is PID 1 of the namespace: reap the exited daemons
        # reparented to it, or they would linger as zombies.
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        try:
            pid = int(open(pid_file).read().strip())
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    raise OSError
        except (OSError, ValueError):
            return
        time.sleep(0.1)
    # PID 1 of this namespace exiting kills the rest anyway.
    log("postfix did not stop within 10 s")


def scenario(name, port25, outer):
    port, implicit_tls = SCENARIOS[name]
    check_isolated(outer)
    loopback_up()
    work = tempfile.mkdtemp(prefix="port25-e2e-relay-")
    os.chmod(work, 0o755)
    relay = Relay()
    controller = None
    try:
        context = make_certificate(work)
        controller = start_relay(relay, port, implicit_tls, context)
        log(f"{name}: relay on 127.0.0.1:{port} ({'implicit TLS' if implicit_tls else 'STARTTLS required'}, AUTH required)")

        # The configuration, from the CLI, with the password from a file
        # (587) or standard input (465).
        args = [port25, "relay-config", "--mta", "postfix", "--relay", "custom",
                "--host", "127.0.0.1", "--port", str(port), "--username", USERNAME,
                "--date", datetime.date.today().isoformat(), "--format", "json"]
        if implicit_tls:
            generated = run(args + ["--password-stdin"], input=PASSWORD.encode(),
                            stdout=subprocess.PIPE).stdout
        else:
            password_file = os.path.join(work, "password")
            with open(password_file, "w", encoding="utf-8") as f:
                f.write(PASSWORD + "\n")
            generated = run(args + ["--password-file", password_file], stdout=subprocess.PIPE).stdout
        output = json.loads(generated)
        main_cf = next(f for f in output["files"] if f["path"] == "/etc/postfix/main.cf")
        settings = [l for l in main_cf["contents"].splitlines() if l and not l.startswith("#")]
        wrapper = "smtp_tls_wrappermode = yes" if implicit_tls else "smtp_tls_wrappermode = no"
        for required in (wrapper, "smtp_tls_security_level = encrypt", f"relayhost = [127.0.0.1]:{port}"):
            if required not in settings:
                fail(f"generated main.cf lacks {required!r}: {settings}")

        prepare_postfix(work)
        script = procedure_script(output["commands"])
        log(f"{name}: running the {len(output['commands'])} generated steps with bash")
        result = subprocess.run(["bash", "-c", script], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=120)
        sys.stdout.write(result.stdout.decode(errors="replace"))
        if result.returncode != 0:
            fail(f"the generated procedure exited with {result.returncode}")

        # The instance runs exactly the generated settings.
        effective = run(["postconf", "-n"], stdout=subprocess.PIPE, text=True).stdout.splitlines()
        missing = [s for s in settings if s not in effective]
        if missing:
            fail(f"postconf -n lacks generated settings {missing}")
        for path in ("/etc/postfix/sasl_passwd", "/etc/postfix/sasl_passwd.db"):
            mode = os.stat(path).st_mode & 0o777
            if mode != 0o600:
                fail(f"{path} has mode {mode:o}, not 600")

        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while time.monotonic() < deadline and not relay.messages:
            time.sleep(0.25)
        maillog = open(MAILLOG, errors="replace").read() if os.path.exists(MAILLOG) else ""
        if not relay.messages:
            sys.stdout.write(maillog[-4000:])
            fail(f"{name}: no message reached the relay within {DELIVERY_TIMEOUT} s; AUTH attempts: "
                 f"{[(a[0], a[3], a[4]) for a in relay.auths]}")
        with relay.lock:
            auths, messages = list(relay.auths), list(relay.messages)
        if len(messages) != 1:
            fail(f"{len(messages)} messages arrived, expected 1")
        mail_from, rcpt_tos, content, tls, authenticated = messages[0]
        if rcpt_tos != [RECIPIENT]:
            fail(f"recipients {rcpt_tos}, expected [{RECIPIENT}]")
        if b"Subject: Port25 relay test" not in content or b"This message went through the relay." not in content:
            fail(f"unexpected message content {content[:300]!r}")
        if not tls or not authenticated:
            fail(f"message arrived with tls={tls} authenticated={authenticated}")
        if not auths:
            fail("the relay saw no AUTH")
        for mechanism, login, password, auth_tls, ok in auths:
            if login != USERNAME.encode() or password != PASSWORD.encode() or not ok:
                fail(f"AUTH {mechanism} used other credentials: login={login!r}, "
                     f"password matches={password == PASSWORD.encode()}")
            if not auth_tls:
                fail(f"AUTH {mechanism} happened without TLS")
        deadline = time.monotonic() + 10
        while "status=sent" not in maillog and time.monotonic() < deadline:
            time.sleep(0.25)
            maillog = open(MAILLOG, errors="replace").read()
        if "status=sent" not in maillog:
            fail("Postfix's log has no status=sent")
        log(f"{name}: PASS: 1 message from {mail_from} to {rcpt_tos[0]} over TLS, "
            f"AUTH {', '.join(sorted({a[0] for a in auths}))} with exactly the given user name "
            f"and password ({len(USERNAME)} and {len(PASSWORD)} characters), Postfix logged status=sent")
    finally:
        stop_postfix()
        if controller is not None:
            controller.stop()
        for target in ("/etc/postfix", "/var/spool/postfix", "/var/lib/postfix"):
            subprocess.run(["umount", target], stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


def main():
    # aiosmtpd warns about its own deprecated attribute on every AUTH.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    # The 465 relay requires AUTH without aiosmtpd's STARTTLS-only notion of
    # TLS; the authenticator checks TLS itself.
    warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--port25", required=True, help="the port25 binary")
    parser.add_argument("--outer-ns", required=True,
                        help="the caller's mnt, net and pid namespace links, space-separated")
    args = parser.parse_args()
    scenario(args.scenario, args.port25, args.outer_ns)


if __name__ == "__main__":
    main()
