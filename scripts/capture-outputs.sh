#!/usr/bin/env bash
# Captures what real SMTP probing tools print, for the diagnose output reader's tests.
#
# Usage (as root, Linux): scripts/capture-outputs.sh [OUTDIR]
# OUTDIR defaults to crates/core/tests/captures. Each capture is written as
# <tool>-<scenario>.txt: a "$ command" line, then the tool's stdout and stderr
# interleaved, as a person would paste them from a terminal.
#
# Safety: everything runs inside a private network namespace that holds only a
# loopback interface. The servers listen on 127.0.0.1 / ::1 inside it, so no
# packet can leave the machine:
#   - "unreachable" dials 192.0.2.1 (TEST-NET-1), for which the namespace has no
#     route, so the kernel fails the connect() before sending anything;
#   - "dns" resolves a .invalid name with /etc/netns/<ns>/resolv.conf pointing
#     at 127.0.0.1, where nothing listens;
#   - "filtered" and "noroute" are iptables DROP / REJECT rules on the
#     namespace's own loopback.
# The SMTP server is a small python3 socket server written below, not aiosmtpd
# (not installed here; the standard library keeps the script free of pip): it sends a 220 greeting, answers EHLO/HELO,
# STARTTLS (real TLS with a throwaway self-signed certificate) and QUIT, and
# misbehaves on purpose per scenario.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/crates/core/tests/captures}"
NS="p25capture$$"

if [[ $(id -u) -ne 0 ]]; then
  echo "capture-outputs.sh: needs root (network namespace, iptables, port 25)" >&2
  exit 1
fi

need=()
command -v nc >/dev/null || need+=(netcat-openbsd)
command -v telnet >/dev/null || need+=(telnet)
command -v openssl >/dev/null || need+=(openssl)
command -v swaks >/dev/null || need+=(swaks)
command -v nmap >/dev/null || need+=(nmap)
command -v iptables >/dev/null || need+=(iptables)
command -v ip >/dev/null || need+=(iproute2)
command -v script >/dev/null || need+=(bsdutils)
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }

WORK="$(mktemp -d)"
cleanup() {
  if [[ -n "${SERVER_PID:-}" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "/etc/netns/$NS" "$WORK"
}
trap cleanup EXIT

mkdir -p "$OUT" "/etc/netns/$NS"
echo "nameserver 127.0.0.1" >"/etc/netns/$NS/resolv.conf"
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
# Give ::1 a moment to leave the tentative state.
sleep 1

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mx.test.invalid" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

cat >"$WORK/server.py" <<'PY'
"""A tiny SMTP greeter for capture scenarios (RFC 5321 4.2 replies, RFC 3207 STARTTLS)."""
import socket, ssl, sys, threading, time

mode, host, port, workdir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
name = b"mx.test.invalid"

def readline(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            return None
        data += chunk
    return data.strip()

def handle(conn):
    try:
        if mode == "slow":
            time.sleep(10)
        if mode == "reject":
            conn.sendall(b"554 5.7.1 " + name + b" does not accept mail from your address\r\n")
        else:
            conn.sendall(b"220 " + name + b" ESMTP capture server ready\r\n")
        tls = False
        while True:
            line = readline(conn)
            if line is None:
                return
            verb = line.split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                if mode == "reject":
                    conn.sendall(b"503 5.5.1 no service here\r\n")
                    continue
                lines = [name + b" greets you", b"PIPELINING", b"SIZE 10240000"]
                if mode in ("smtp", "slow", "badtls") and not tls:
                    lines.append(b"STARTTLS")
                lines.append(b"8BITMIME")
                out = b"".join(b"250-" + l + b"\r\n" for l in lines[:-1]) + b"250 " + lines[-1] + b"\r\n"
                conn.sendall(out)
            elif verb == b"STARTTLS" and mode in ("smtp", "slow", "badtls") and not tls:
                conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                if mode == "badtls":
                    time.sleep(0.2)
                    conn.sendall(b"this is not a TLS record\r\n" * 4)
                    time.sleep(0.5)
                    return
                ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                ctx.load_cert_chain(workdir + "/cert.pem", workdir + "/key.pem")
                conn = ctx.wrap_socket(conn, server_side=True)
                tls = True
            elif verb == b"QUIT":
                conn.sendall(b"221 2.0.0 Bye\r\n")
                return
            elif verb == b"NOOP" or verb == b"RSET":
                conn.sendall(b"250 2.0.0 OK\r\n")
            else:
                conn.sendall(b"502 5.5.2 not implemented by the capture server\r\n")
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass

fam = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(fam, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port))
srv.listen(16)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
PY

nsx() { ip netns exec "$NS" "$@"; }

start_server() { # mode host
  # Not through nsx: `ip netns exec` execs python3, so $! is the server itself.
  ip netns exec "$NS" python3 "$WORK/server.py" "$1" "$2" 25 "$WORK" &
  SERVER_PID=$!
  sleep 1
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# capture FILE COMMAND...: runs COMMAND in the namespace under `script`, so the
# tool sees a terminal and its stdout and stderr interleave exactly as a person
# would see and paste them (through a pipe, buffering reorders them). Carriage
# returns from the terminal are dropped; what the caller feeds on stdin is
# "typed" and echoed, as in a real terminal.
capture() {
  local file="$1"; shift
  local cmd
  printf -v cmd '%q ' "$@"
  {
    echo "\$ $*"
    nsx script -qec "$cmd" /dev/null 2>&1 | tr -d '\r' || true
  } >"$OUT/$file"
  echo "captured $file"
}
# For telnet against a server: wait for the greeting, then type QUIT (never
# talk first). Against nothing: type nothing, just keep stdin open.
slow_quit() { sleep 4; printf 'QUIT\r\n'; sleep 2; }
no_typing() { sleep 7; }

run_tools() { # scenario host(v4 or v6 literal) family-flag [telnet-input]
  local sc="$1" h="$2" fam="$3" typing="${4:-no_typing}" hp
  if [[ "$h" == *:* ]]; then hp="[$h]:25"; else hp="$h:25"; fi
  capture "nc-$sc.txt" timeout 20 nc "$fam" -v -w 3 "$h" 25 </dev/null
  "$typing" | capture "telnet-$sc.txt" timeout 8 telnet "$fam" "$h" 25 || true
  capture "openssl-$sc.txt" timeout 20 openssl s_client -starttls smtp -connect "$hp" -crlf </dev/null
  capture "swaks-$sc.txt" timeout 20 swaks "$fam" --server "$h" --port 25 --to postmaster@test.invalid --quit-after EHLO --timeout 5
  capture "nmap-$sc.txt" timeout 30 nmap "$fam" -Pn -p 25 "$h"
}

start_server smtp 127.0.0.1; run_tools open 127.0.0.1 -4 slow_quit; stop_server
start_server smtp ::1; run_tools open-ipv6 ::1 -6 slow_quit; stop_server
start_server nostarttls 127.0.0.1; run_tools nostarttls 127.0.0.1 -4 slow_quit; stop_server
start_server badtls 127.0.0.1; run_tools badtls 127.0.0.1 -4 slow_quit; stop_server
start_server reject 127.0.0.1; run_tools reject554 127.0.0.1 -4 slow_quit; stop_server
start_server slow 127.0.0.1; run_tools slowbanner 127.0.0.1 -4 slow_quit; stop_server

# Nothing listens on 25 now.
run_tools closed 127.0.0.1 -4

nsx iptables -A INPUT -p tcp --dport 25 -j DROP
nsx ip6tables -A INPUT -p tcp --dport 25 -j DROP
run_tools filtered 127.0.0.1 -4
run_tools filtered-ipv6 ::1 -6
nsx iptables -F INPUT
nsx ip6tables -F INPUT

nsx iptables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp-host-unreachable
run_tools noroute 127.0.0.1 -4
nsx iptables -F INPUT

run_tools unreachable 192.0.2.1 -4
run_tools dns mx.nonexistent.invalid -4

echo "done: $(find "$OUT" -mindepth 1 -maxdepth 1 | wc -l) files in $OUT"
