#!/usr/bin/env bash
# Captures what real SMTP probing tools print, for the diagnose output reader's tests.
#
# Usage (as root, Linux): [CAPTURE_SETS="base extra mta"] scripts/capture-outputs.sh [OUTDIR]
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
# Which sets to capture: "base" (nc, telnet, openssl, swaks, nmap in a
# loopback-only namespace), "extra" (more tools, flavours and failure kinds,
# scripts/capture-extra.sh) and "mta" (Postfix and Exim log lines).
SETS="${CAPTURE_SETS:-base extra mta}"
want() { [[ " $SETS " == *" $1 "* ]]; }
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
# swaks -4/-6 needs IO::Socket::INET6 (a Recommends, easily left out).
perl -MIO::Socket::INET6 -e1 2>/dev/null || need+=(libio-socket-inet6-perl)
if want extra || want mta; then
  command -v nft >/dev/null || need+=(nftables)
  command -v curl >/dev/null || need+=(curl)
fi
if want extra; then
  command -v ncat >/dev/null || need+=(ncat)
  command -v nc.traditional >/dev/null || need+=(netcat-traditional)
  command -v nc.openbsd >/dev/null || need+=(netcat-openbsd)
  command -v busybox >/dev/null || need+=(busybox)
  command -v socat >/dev/null || need+=(socat)
fi
if want mta && ! command -v postfix >/dev/null; then
  # Installed without a configuration: the capture writes its own main.cf.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  need+=(postfix)
fi
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}"
fi
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }

WORK="$(mktemp -d)"
cleanup() {
  if [[ -n "${SERVER_PID:-}" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if declare -F extra_cleanup >/dev/null; then extra_cleanup; fi
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
        if mode == "close":
            # Accepts the connection and hangs up before any greeting.
            return
        if mode == "silent":
            # Accepts and never greets (a tarpit or a silent middlebox).
            time.sleep(60)
            return
        if mode == "smtps":
            # Implicit TLS (RFC 8314): the handshake comes before the greeting.
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(workdir + "/cert.pem", workdir + "/key.pem")
            conn = ctx.wrap_socket(conn, server_side=True)
        if mode == "reject":
            conn.sendall(b"554 5.7.1 " + name + b" does not accept mail from your address\r\n")
        elif mode == "reject421":
            conn.sendall(b"421 4.7.0 " + name + b" too many connections, try again later\r\n")
            return
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
                if mode in ("smtp", "slow", "badtls", "silent") and not tls:
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
            elif verb in (b"MAIL", b"RCPT") and mode != "reject":
                conn.sendall(b"250 2.1.0 Ok\r\n")
            elif verb == b"DATA" and mode != "reject":
                conn.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                while True:
                    body = readline(conn)
                    if body is None:
                        return
                    if body == b".":
                        break
                conn.sendall(b"250 2.0.0 Ok: queued as CAPTURE1\r\n")
            elif verb == b"HELP":
                conn.sendall(b"214 2.0.0 See RFC 5321\r\n")
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

# wait_listen HOST PORT: until something accepts on HOST:PORT in the
# namespace (python3 can take seconds to start on a busy machine, and a
# capture made before would read "refused").
wait_listen() {
  local _
  for _ in $(seq 100); do
    nsx bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "capture-outputs.sh: nothing listens on $1:$2" >&2
  exit 1
}

start_server() { # mode host
  # Not through nsx: `ip netns exec` execs python3, so $! is the server itself.
  ip netns exec "$NS" python3 "$WORK/server.py" "$1" "$2" 25 "$WORK" &
  SERVER_PID=$!
  wait_listen "$2" 25
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

if want base; then
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
fi


# ---------------------------------------------------------------------------
# The "extra" set: more tools and flavours, and more kinds of failure, in the
# same namespace. Each scenario has its own loopback address (all of
# 127.0.0.0/8 is local), so servers and nftables rules stay apart:
#   .1:25 STARTTLS server, .1:2525 the same on another port, .1:465 implicit
#   TLS, .2 no STARTTLS, .3 broken TLS, .4 554 greeting, .5 421 greeting,
#   .6 closes before the greeting, .7 nothing listens (refused), .8 and
#   .11:2525 nftables drop (timeout), .9 reject with ICMP admin-prohibited,
#   .10 reject with ICMP host-unreachable, .12 connects but never greets.
# A tiny resolver on 127.0.0.1:53 answers NXDOMAIN to everything, so name
# failures read as the common "Name or service not known". tcp_syn_retries is
# lowered in the namespace so tools without their own timeout get the
# kernel's real ETIMEDOUT after about 7 s instead of 2 minutes.
EXTRA_PIDS=()
extra_cleanup() {
  local p
  for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n "${PF_DIR:-}" ]]; then nsx postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1 || true; fi
}
start_bg() { # mode host port
  ip netns exec "$NS" python3 "$WORK/server.py" "$1" "$2" "$3" "$WORK" &
  EXTRA_PIDS+=($!)
}
quit_after() { sleep 3; printf 'QUIT\r\n'; sleep 2; }

if want extra || want mta; then
  cat >"$WORK/nxdns.py" <<'PY'
"""Answers every DNS query with NXDOMAIN (RFC 1035 4.1.1, RCODE 3)."""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
while True:
    q, addr = s.recvfrom(512)
    if len(q) < 12:
        continue
    # Same id and question; QR=1, RD copied, RA=1, RCODE=3; no answers.
    flags = bytes([0x80 | (q[2] & 0x01), 0x83])
    s.sendto(q[:2] + flags + q[4:6] + b"\0\0\0\0\0\0" + q[12:], addr)
PY
  ip netns exec "$NS" python3 "$WORK/nxdns.py" &
  EXTRA_PIDS+=($!)
  nsx sysctl -qw net.ipv4.tcp_syn_retries=2
  nsx nft -f - <<'NFT'
table ip p25capture {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr 127.0.0.8 tcp dport 25 drop
    ip daddr 127.0.0.11 tcp dport 2525 drop
    ip daddr 127.0.0.9 tcp dport 25 reject with icmp type admin-prohibited
    ip daddr 127.0.0.10 tcp dport 25 reject with icmp type host-unreachable
  }
}
NFT
  start_bg smtp 127.0.0.1 25
  start_bg smtp 127.0.0.1 2525
  start_bg smtps 127.0.0.1 465
  start_bg nostarttls 127.0.0.2 25
  start_bg badtls 127.0.0.3 25
  start_bg reject 127.0.0.4 25
  start_bg reject421 127.0.0.5 25
  start_bg close 127.0.0.6 25
  start_bg silent 127.0.0.12 25
  # For the MTAs: 127.0.0.1 is Postfix's own address, so it would deliver
  # there locally; .13 is a second STARTTLS server.
  start_bg smtp 127.0.0.13 25
  for at in 127.0.0.1:25 127.0.0.1:2525 127.0.0.1:465 127.0.0.2:25 127.0.0.3:25 \
    127.0.0.4:25 127.0.0.5:25 127.0.0.6:25 127.0.0.12:25 127.0.0.13:25; do
    wait_listen "${at%:*}" "${at#*:}"
  done
fi

# scenario -> "host port"
declare -A AT=(
  [open]="127.0.0.1 25" [open2525]="127.0.0.1 2525" [nostarttls]="127.0.0.2 25"
  [badtls]="127.0.0.3 25" [reject554]="127.0.0.4 25" [reject421]="127.0.0.5 25"
  [earlyclose]="127.0.0.6 25" [closed]="127.0.0.7 25" [filtered]="127.0.0.8 25"
  [filtered2525]="127.0.0.11 2525" [prohibited]="127.0.0.9 25"
  [noroute]="127.0.0.10 25" [unreachable]="192.0.2.1 25"
  [dns]="mx.nonexistent.invalid 25" [silent]="127.0.0.12 25"
)

# each TOOL-PREFIX "scenario..." -- a function TOOL-PREFIX_run FILE HOST PORT
each() {
  local prefix="$1" fn="$2"; shift 2
  local sc h p
  for sc in "$@"; do
    read -r h p <<<"${AT[$sc]}"
    "$fn" "$prefix-$sc.txt" "$h" "$p"
  done
}

ncat_run() { quit_after | capture "$1" timeout 20 ncat -v -w 5 "$2" "$3" || true; }
nctrad_run() { quit_after | capture "$1" timeout 20 nc.traditional -v -w 5 "$2" "$3" || true; }
nctrad_z() { capture "$1" timeout 20 nc.traditional -zv -w 5 "$2" "$3" </dev/null; }
ncbsd_run() { quit_after | capture "$1" timeout 20 nc.openbsd -v -w 5 "$2" "$3" || true; }
ncbsd_z() { capture "$1" timeout 20 nc.openbsd -zv -w 5 "$2" "$3" </dev/null; }
bbnc_run() { quit_after | capture "$1" timeout 20 busybox nc -w 5 "$2" "$3" || true; }
bbtelnet_run() { quit_after | capture "$1" timeout 15 busybox telnet "$2" "$3" || true; }
telnet_run() { quit_after | capture "$1" timeout 15 telnet "$2" "$3" || true; }
socat_run() { quit_after | capture "$1" timeout 20 socat - "TCP:$2:$3,connect-timeout=5,crlf" || true; }
socatv_run() { quit_after | capture "$1" timeout 20 socat -d -d - "TCP:$2:$3,connect-timeout=5,crlf" || true; }
curltelnet_run() { quit_after | capture "$1" timeout 20 curl -v --connect-timeout 5 -m 10 "telnet://$2:$3" || true; }
curlsmtp_run() { capture "$1" timeout 20 curl -v --connect-timeout 5 -m 10 "smtp://$2:$3" </dev/null; }
curlsmtp_tls() { capture "$1" timeout 20 curl -v --ssl-reqd -k --connect-timeout 5 -m 10 "smtp://$2:$3" </dev/null; }
curlsmtp_quiet() { capture "$1" timeout 20 curl --connect-timeout 5 -m 10 "smtp://$2:$3" </dev/null; }
devtcp_run() { capture "$1" timeout 15 bash -c "exec 3<>/dev/tcp/$2/$3 && head -n 1 <&3" </dev/null; }
devtcp_short() { capture "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3 && head -n 1 <&3" </dev/null; }
smtplib_run() {
  capture "$1" timeout 20 python3 -c "import smtplib; s = smtplib.SMTP('$2', $3, timeout=5); print(s.ehlo()); print(s.starttls()); s.quit()" </dev/null
}
smtplib_debug() {
  capture "$1" timeout 20 python3 -c "import smtplib; s = smtplib.SMTP(timeout=5); s.set_debuglevel(1); s.connect('$2', $3); s.ehlo(); s.quit()" </dev/null
}
ssldirect_run() { quit_after | capture "$1" timeout 20 openssl s_client -connect "$2:$3" -crlf || true; }
ssl_starttls() { capture "$1" timeout 20 openssl s_client -starttls smtp -connect "$2:$3" -crlf </dev/null; }
nmapr_run() { capture "$1" timeout 30 nmap -Pn --reason -p "$3" "$2" </dev/null; }
swaks_run() { capture "$1" timeout 20 swaks --server "$2" --port "$3" --to postmaster@test.invalid --quit-after EHLO --timeout 5 </dev/null; }

if want extra; then
  each ncat ncat_run open open2525 reject554 earlyclose closed filtered prohibited noroute unreachable dns
  each nctrad nctrad_run open open2525 reject554 earlyclose closed filtered noroute unreachable dns
  each nctrad-z nctrad_z open closed filtered
  each nc ncbsd_run open2525 earlyclose reject421 prohibited
  each nc-z ncbsd_z open open2525 closed filtered noroute dns
  each busyboxnc bbnc_run open earlyclose closed filtered unreachable dns
  each busyboxtelnet bbtelnet_run open reject554 earlyclose closed filtered noroute unreachable dns
  each telnet telnet_run open2525 earlyclose reject421 prohibited
  # Kernel timeout (no -w): telnet reports the real "Connection timed out".
  telnet_run telnet-timedout.txt 127.0.0.8 25
  each socat socat_run open closed filtered noroute unreachable dns earlyclose
  each socat-v socatv_run open earlyclose
  each curltelnet curltelnet_run open open2525 earlyclose closed filtered noroute unreachable dns
  each curlsmtp curlsmtp_run open open2525 reject554 reject421 earlyclose silent closed filtered unreachable dns
  each curlsmtp-tls curlsmtp_tls open nostarttls badtls
  each curlsmtp-quiet curlsmtp_quiet open
  each devtcp devtcp_run open open2525 earlyclose closed filtered noroute prohibited unreachable dns
  each devtcp-killed devtcp_short filtered
  each smtplib smtplib_run open open2525 nostarttls badtls reject554 reject421 earlyclose silent closed filtered noroute unreachable dns
  each smtplib-debug smtplib_debug open reject554
  each openssl-direct ssldirect_run closed filtered
  ssldirect_run openssl-direct-plain25.txt 127.0.0.1 25
  ssldirect_run openssl-direct-smtps.txt 127.0.0.1 465
  each openssl ssl_starttls open2525 earlyclose reject421 prohibited
  each nmap-reason nmapr_run open open2525 closed filtered filtered2525 prohibited noroute
  each swaks swaks_run open2525 earlyclose reject421 prohibited silent
  swaks_run swaks-nxdomain.txt mx.nonexistent.invalid 25
fi

# ---------------------------------------------------------------------------
# The "mta" set: what Postfix and Exim write to their logs when delivery to
# the scenarios above fails, from a real Postfix and a real Exim running in
# the namespace. A message to user@[address] goes straight to that address
# (an address literal, RFC 5321 4.1.3: no MX lookup). The log lines of each
# message are what a person greps out of mail.log and pastes.
mta_msg() { printf 'From: capture@relay.test.invalid\nTo: %s\nSubject: capture\n\nport 25 capture\n' "$1"; }

if want mta && command -v postfix >/dev/null; then
  PF_DIR="$WORK/postfix"
  mkdir -p "$PF_DIR/etc" "$PF_DIR/spool" "$PF_DIR/data"
  # Debian's master.cf without chroot (the smtp client must see the
  # namespace's resolv.conf) and with the listener moved off port 25, which
  # the capture servers use; the postlog service writes maillog_file.
  awk '/^smtp[ \t]+inet/ { next }
       /^[a-z]/ && NF >= 8 && $5 == "y" { $5 = "n" }
       { print }' /etc/postfix/master.cf >"$PF_DIR/etc/master.cf"
  echo "127.0.0.1:10025 inet n - n - - smtpd" >>"$PF_DIR/etc/master.cf"
  grep -q '^postlog' "$PF_DIR/etc/master.cf" ||
    echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >>"$PF_DIR/etc/master.cf"
  cat >"$PF_DIR/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF_DIR/spool
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.test.invalid
mydomain = test.invalid
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
maillog_file_prefixes = $PF_DIR
maillog_file = $PF_DIR/maillog
smtp_connect_timeout = 5s
smtp_helo_timeout = 8s
smtp_tls_security_level = may
smtp_address_preference = ipv4
alias_maps =
alias_database =
biff = no
CF
  chown -R postfix "$PF_DIR/data"
  # mktemp -d is 0700: let the postfix user reach its data directory.
  chmod 711 "$WORK"
  nsx postfix -c "$PF_DIR/etc" start >/dev/null 2>&1 || {
    echo "postfix start failed: $(tail -5 "$PF_DIR/maillog" 2>/dev/null)" >&2
    exit 1
  }
  sleep 2
  declare -A PF_TO=(
    [timeout]="t@[127.0.0.8]" [refused]="t@[127.0.0.7]" [earlyclose]="t@[127.0.0.6]"
    [reject554]="t@[127.0.0.4]" [reject421]="t@[127.0.0.5]" [unreachable]="t@[192.0.2.1]"
    [noroute]="t@[127.0.0.10]" [prohibited]="t@[127.0.0.9]" [silent]="t@[127.0.0.12]"
    [sent]="t@[127.0.0.13]" [nostarttls]="t@[127.0.0.2]" [dns]="t@mx.nonexistent.invalid"
  )
  for sc in "${!PF_TO[@]}"; do
    ip netns exec "$NS" python3 -c "import smtplib, sys; s = smtplib.SMTP('127.0.0.1', 10025, timeout=10); s.sendmail('capture@relay.test.invalid', [sys.argv[1]], sys.stdin.read()); s.quit()" "${PF_TO[$sc]}" < <(mta_msg "${PF_TO[$sc]}") ||
      echo "postfix refused the message for ${PF_TO[$sc]}" >&2
  done
  # The silent server holds the greeting for 60 s; smtp_helo_timeout is 8 s.
  sleep 25
  for sc in "${!PF_TO[@]}"; do
    qid="$(grep -F "to=<${PF_TO[$sc]}>" "$PF_DIR/maillog" | head -n1 | sed -E 's/.*: ([0-9A-F]+): to=.*/\1/')"
    {
      echo "\$ grep $qid /var/log/mail.log"
      grep -F " $qid: " "$PF_DIR/maillog" || true
    } >"$OUT/postfix-$sc.txt"
    echo "captured postfix-$sc.txt"
  done
  nsx postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1 || true
  PF_DIR=""
fi

# Exim is not installed beside Postfix (both are the system's MTA): the
# exim4-daemon-light package (and libidn12, which it needs) is unpacked into
# the work directory and laid over /usr/sbin and the library directory with
# overlayfs, in a private mount namespace that also sees a passwd with the
# Debian-exim user the binary is built for. Exim re-executes itself from
# /usr/sbin/exim4, so it must be found there. Nothing on the host changes.
if want mta; then
  EX_DIR="$WORK/exim"
  EX_ROOT="$EX_DIR/root"
  mkdir -p "$EX_DIR/debs" "$EX_ROOT" "$EX_DIR/spool" "$EX_DIR/log"
  (cd "$EX_DIR/debs" && apt-get download exim4-daemon-light libidn12 >/dev/null 2>&1)
  for d in "$EX_DIR"/debs/*.deb; do dpkg-deb -x "$d" "$EX_ROOT"; done
  LIBDIR="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
  cp /etc/passwd "$EX_DIR/passwd"
  cp /etc/group "$EX_DIR/group"
  getent passwd Debian-exim >/dev/null || echo 'Debian-exim:x:65534:65534::/nonexistent:/usr/sbin/nologin' >>"$EX_DIR/passwd"
  getent group Debian-exim >/dev/null || echo 'Debian-exim:x:65534:' >>"$EX_DIR/group"
  chmod 1777 "$EX_DIR/spool" "$EX_DIR/log"
  chmod 711 "$WORK" "$EX_DIR"
  cat >"$EX_DIR/exim.conf" <<CF
primary_hostname = relay.test.invalid
spool_directory = $EX_DIR/spool
log_file_path = $EX_DIR/log/%slog
exim_user = Debian-exim
exim_group = Debian-exim
keep_environment =
begin routers
literal:
  driver = ipliteral
  transport = remote_smtp
dnslookup:
  driver = dnslookup
  transport = remote_smtp
begin transports
remote_smtp:
  driver = smtp
  connect_timeout = 5s
  command_timeout = 8s
  # The unpacked Exim crashes in its TLS library here (SIGSEGV in the
  # transport); the log lines wanted are about connections, so no TLS.
  hosts_avoid_tls = *
begin retry
*  *  F,2h,15m
CF
  exim_send() { # rcpt
    # The inner script expands its own positional parameters: single quotes
    # on purpose.
    # shellcheck disable=SC2016
    ip netns exec "$NS" unshare -m sh -c '
      mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
      mount -t overlay overlay -o "lowerdir=$2/usr/sbin:/usr/sbin" /usr/sbin &&
      mount -t overlay overlay -o "lowerdir=$2$3:$3" "$3" &&
      exec /usr/sbin/exim4 -C "$1/exim.conf" -odf -oi -f capture@relay.test.invalid "$4"' \
      sh "$EX_DIR" "$EX_ROOT" "$LIBDIR" "$1" < <(mta_msg "$1") >/dev/null 2>&1 || true
  }
  declare -A EX_TO=(
    [timeout]="t@[127.0.0.8]" [refused]="t@[127.0.0.7]" [earlyclose]="t@[127.0.0.6]"
    [reject554]="t@[127.0.0.4]" [unreachable]="t@[192.0.2.1]" [noroute]="t@[127.0.0.10]"
    [silent]="t@[127.0.0.12]" [sent]="t@[127.0.0.13]" [dns]="t@mx.nonexistent.invalid"
  )
  for sc in "${!EX_TO[@]}"; do
    rm -f "$EX_DIR/log/mainlog"
    exim_send "${EX_TO[$sc]}"
    id="$(awk '/ <= / { print $3; exit }' "$EX_DIR/log/mainlog")"
    { echo "\$ grep $id /var/log/exim4/mainlog"; grep -F "$id" "$EX_DIR/log/mainlog"; } >"$OUT/exim-$sc.txt"
    echo "captured exim-$sc.txt"
  done
  # A second message to the refusing host, while its retry time is not reached.
  rm -f "$EX_DIR/log/mainlog"
  exim_send "u@[127.0.0.7]"
  { echo "\$ tail /var/log/exim4/mainlog"; cat "$EX_DIR/log/mainlog"; } >"$OUT/exim-retrywait.txt"
  echo "captured exim-retrywait.txt"
fi

# OpenSMTPD, the same way: opensmtpd unpacked and laid over /usr/sbin, a
# passwd with its two users, and tmpfs over the paths it writes
# (/var/spool/smtpd, /var/lib/opensmtpd/empty, /run). It runs in the
# foreground (-d), so its log lines go to stderr, as syslog would record
# them after "smtpd[PID]: ". All scenarios go through one instance; each
# capture holds the lines of the session that dialled that address and the
# lines naming it, as grep would show them.
if want mta; then
  OS_DIR="$WORK/opensmtpd"
  OS_ROOT="$OS_DIR/root"
  mkdir -p "$OS_DIR/debs" "$OS_ROOT"
  (cd "$OS_DIR/debs" && apt-get download opensmtpd libidn12 >/dev/null 2>&1)
  for d in "$OS_DIR"/debs/*.deb; do dpkg-deb -x "$d" "$OS_ROOT"; done
  LIBDIR="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
  cp /etc/passwd "$OS_DIR/passwd"
  cp /etc/group "$OS_DIR/group"
  for u in opensmtpd:64001 opensmtpq:64002; do
    getent passwd "${u%%:*}" >/dev/null ||
      echo "${u%%:*}:x:${u##*:}:${u##*:}::/nonexistent:/usr/sbin/nologin" >>"$OS_DIR/passwd"
    getent group "${u%%:*}" >/dev/null || echo "${u%%:*}:x:${u##*:}:" >>"$OS_DIR/group"
  done
  cat >"$OS_DIR/smtpd.conf" <<'CF'
listen on 127.0.0.1 port 10026
action "out" relay
match from any for any action "out"
CF
  chmod 711 "$WORK" "$OS_DIR"
  # The inner script expands its own positional parameters: single quotes
  # on purpose.
  # shellcheck disable=SC2016
  ip netns exec "$NS" timeout 90 unshare -m sh -c '
    mount --make-rprivate / &&
    mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
    mount -t overlay overlay -o "lowerdir=$2/usr/sbin:/usr/sbin" /usr/sbin &&
    mount -t overlay overlay -o "lowerdir=$2$3:$3" "$3" &&
    mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/opensmtpd/empty &&
    mount -t tmpfs tmpfs /var/spool && mount -t tmpfs tmpfs /run &&
    exec /usr/sbin/smtpd -d -f "$1/smtpd.conf"' sh "$OS_DIR" "$OS_ROOT" "$LIBDIR" >"$OS_DIR/log" 2>&1 &
  OS_PID=$!
  EXTRA_PIDS+=("$OS_PID")
  sleep 3
  declare -A OS_TO=(
    [timeout]="127.0.0.8" [refused]="127.0.0.7" [earlyclose]="127.0.0.6"
    [reject554]="127.0.0.4" [unreachable]="192.0.2.1" [noroute]="127.0.0.10"
    [silent]="127.0.0.12" [sent]="127.0.0.13"
  )
  for sc in "${!OS_TO[@]}"; do
    ip netns exec "$NS" python3 -c "import smtplib, sys; s = smtplib.SMTP('127.0.0.1', 10026, timeout=10); s.sendmail('capture@relay.test.invalid', [sys.argv[1]], sys.stdin.read()); s.quit()" "t@[${OS_TO[$sc]}]" < <(mta_msg "t@[${OS_TO[$sc]}]") ||
      echo "opensmtpd refused the message for ${OS_TO[$sc]}" >&2
  done
  # Long enough for the kernel's connect timeout and OpenSMTPD's greeting
  # timeout on the silent server.
  sleep 60
  for sc in "${!OS_TO[@]}"; do
    a="${OS_TO[$sc]}"
    sid="$(grep -F "address=smtp://$a:25 " "$OS_DIR/log" | head -n1 | cut -d' ' -f1)"
    {
      echo "\$ grep -e $sid -e '$a' /var/log/mail.log"
      grep -F -e "$sid " -e "[$a]" -e "($a)" "$OS_DIR/log" || true
    } >"$OUT/opensmtpd-$sc.txt"
    echo "captured opensmtpd-$sc.txt"
  done
  kill "$OS_PID" 2>/dev/null || true
  wait "$OS_PID" 2>/dev/null || true
fi

echo "done: $(find "$OUT" -mindepth 1 -maxdepth 1 | wc -l) files in $OUT"
