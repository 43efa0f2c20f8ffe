#!/usr/bin/env bash
# The egress test end to end, with real programs, on loopback and in a
# network namespace only:
#   1. every one-liner the API hands out (curl, bash /dev/tcp, nc,
#      openssl, swaks, telnet, and Windows' curl.exe run as curl) runs for
#      real against the listeners and arrives; PowerShell's is not run,
#      there is none here (crates/probe/tests/egress.rs, the ignored test);
#   2. two probe processes share one real redis-server on loopback: a
#      connection to instance B's listener completes a test created on A,
#      a probe job started on A is polled to its report on B, a mail
#      delivered to B for a test made on A is reported on A (its SPF checked
#      against the DNS fixture), every key Redis holds (the mail report's
#      included) expires by itself, and the rate limit is one limit across
#      both;
#   2b. the sender checks (reverse DNS, blocklists, against the DNS
#      fixture) of a source that lands on two instances sharing a real
#      redis-server run once (crates/probe/tests/sender.rs, ignored test);
#   3. in a private network namespace where nftables drops outbound
#      port 25, the page's curl commands for 25 and 587 run: 587 arrives,
#      25 does not.
# Installs what it needs (scripts/packages.sh, group "egress"). Root or sudo
# for the namespace. Every process it starts is stopped on exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

install_group egress # scripts/packages.sh

if [ -z "${PORT25_EGRESS_SKIP_ONELINERS:-}" ]; then log "one-liners, run for real"
nice -n 5 cargo test --quiet -p port25-probe --test egress -- --include-ignored every_one_liner_but_powershell_arrives; fi

log "sender checks: two instances on one redis-server check a source once"
nice -n 5 cargo test --quiet -p port25-probe --test sender -- --include-ignored two_instances_on_one_redis_check_a_source_once

log "cargo build -p port25-probe"
nice -n 5 cargo build --quiet -p port25-probe
PROBE="$CARGO_TARGET_DIR/debug/port25-probe"

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/dns-fixture.sh stop "$work/dns" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# json FIELD-PATH: reads a value from the JSON on stdin (python3, no jq).
json() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v if not isinstance(v,(dict,list)) else json.dumps(v))' "$1"; }

# wait_http URL: waits up to 10 s for URL to answer.
wait_http() {
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$1 did not answer"
}

log "two probe instances, one redis-server"
# The sender's SPF for the mail path, from the DNS fixture (the "dns" group).
printf '' >"$work/example.zone"
printf '@ TXT "v=spf1 ip4:127.0.0.1 -all"\n' >"$work/sender.zone"
resolver="$(PORT25_DNS_FIXTURE_OWNER=$$ bash scripts/dns-fixture.sh start "$work/dns" \
  "example=unsigned:$work/example.zone" "sender.example=unsigned:$work/sender.zone" |
  sed -n 's/^PORT25_DNS_RESOLVER=//p')"
redis_port="$(free_port)"
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
  --daemonize no --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
start_instance() { # NAME API-PORT EGRESS-PORT
  "$PROBE" serve --listen "127.0.0.1:$2" --store "redis://127.0.0.1:$redis_port/0" \
    --rate-per-minute 6 --rate-burst 5 --allow-loopback \
    --egress-name egress.test --egress-host 127.0.0.1 --egress-bind 127.0.0.1 \
    --egress-port "$3" --egress-implicit-tls-port 0 --no-sender-checks \
    --egress-domain egress.test --dns-resolver "$resolver" >"$work/$1.log" 2>&1 &
  pids+=($!)
}
api_a="$(free_port)" egress_a="$(free_port)" api_b="$(free_port)" egress_b="$(free_port)"
start_instance a "$api_a" "$egress_a"
start_instance b "$api_b" "$egress_b"
wait_http "http://127.0.0.1:$api_a/healthz"
wait_http "http://127.0.0.1:$api_b/healthz"

created="$(curl -fsS -X POST "http://127.0.0.1:$api_a/api/v1/egress")"
token="$(json token <<<"$created")"
# The curl command instance A handed out, aimed at instance B's listener.
command="$(json commands.0.command <<<"$created" | sed "s/:$egress_a\//:$egress_b\//")"
[[ "$command" == *":$egress_b/$token"* ]] || die "unexpected command: $command"
bash -c "$command" >"$work/curl.out" 2>&1 || true
status="$(curl -fsS "http://127.0.0.1:$api_a/api/v1/egress/$token")"
arrived="$(json arrivals.0.port <<<"$status" 2>/dev/null || true)"
if [ "$arrived" != "$egress_b" ]; then
  cat "$work/curl.out" >&2
  die "test made on A did not see the arrival on B ($egress_b): $status"
fi
[ "$(curl -fsS "http://127.0.0.1:$api_b/api/v1/egress/$token" | json arrivals.0.port)" = "$egress_b" ] ||
  die "B does not read the test made on A"
echo "ok: an arrival on instance B completed the test created on instance A"

# A mail to the test's address, delivered to B, is reported on A.
printf 'From: <someone@sender.example>\r\nSubject: redis\r\n\r\nHello.\r\n' >"$work/mail.txt"
curl -sS --max-time 30 "smtp://127.0.0.1:$egress_b/mail.sender.example" \
  --mail-from someone@sender.example --mail-rcpt "$(json mail_address <<<"$created")" \
  --upload-file "$work/mail.txt" >"$work/mail.out" 2>&1 || die "delivering to B: $(cat "$work/mail.out")"
status="$(curl -fsS "http://127.0.0.1:$api_a/api/v1/egress/$token")"
if [ "$(json mail.0.ehlo <<<"$status")" != mail.sender.example ] ||
  [ "$(json mail.0.spf.result <<<"$status")" != pass ]; then
  die "the mail delivered to B is not reported on A: $status"
fi
echo "ok: a mail delivered to instance B was analysed and reported on instance A"

# A probe job started on A, polled on B. Its target: a third probe's egress
# listener on 127.0.0.3:2525 (an SMTP server with STARTTLS).
api_t="$(free_port)"
"$PROBE" serve --listen "127.0.0.1:$api_t" --egress-name target.test \
  --egress-bind 127.0.0.3 --egress-port 2525 --no-sender-checks >"$work/target.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$api_t/healthz"
job="$(curl -fsS -X POST -H 'content-type: application/json' \
  -d '{"target":"127.0.0.3","port":2525,"mode":"host"}' "http://127.0.0.1:$api_a/api/v1/probes")"
poll="$(json poll_url <<<"$job")"
state=running
for _ in $(seq 100); do
  status="$(curl -fsS "http://127.0.0.1:$api_b$poll")"
  state="$(json state <<<"$status")"
  [ "$state" = running ] || break
  sleep 0.2
done
[ "$state" = "done" ] || die "job from A polled on B: state $state: $status"
# The target's certificate is self-signed: a certificate problem, after a
# whole session.
if [ "$(json report.results.0.outcome.kind <<<"$status")" != certificate-problem ] ||
  [ "$(json report.results.0.tls.version <<<"$status")" != "TLS 1.3" ]; then
  die "job report: $status"
fi
[ "$(json progress.0.seq <<<"$status")" = 0 ] || die "job progress: $status"
echo "ok: a probe job started on instance A was polled to its report on instance B"

# Every key in Redis expires by itself: nothing is kept past its time.
while read -r key; do
  [ -n "$key" ] || continue
  ttl="$(redis-cli -p "$redis_port" pttl "$key")"
  [ "$ttl" -gt 0 ] || die "Redis key $key has no expiry ($ttl)"
done < <(redis-cli -p "$redis_port" --scan --pattern 'port25:*')
echo "ok: every Redis key has an expiry"

# Burst 5 in all: the create and the job above, then A, B, B; the next on
# either is 429.
codes=""
for api in "$api_a" "$api_b" "$api_b" "$api_a" "$api_b"; do
  codes+="$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$api/api/v1/egress") "
done
[ "$codes" = "201 201 201 429 429 " ] || die "shared rate limit: got $codes, want 201 201 201 429 429"
echo "ok: the rate limit is shared (burst 5 across both instances: $codes)"

log "network namespace: outbound 25 dropped by nftables"
cat >"$work/netns.sh" <<'INNER'
set -euo pipefail
probe=$1 work=$2
ip link set lo up
# Outbound TCP to port 25 is dropped, as a provider's block does.
nft -f - <<'NFT'
table inet block25 {
  chain output {
    type filter hook output priority 0; policy accept;
    tcp dport 25 drop
  }
}
NFT
"$probe" serve --listen 127.0.0.1:8025 --egress-name egress.test --egress-host 127.0.0.1 \
  --egress-bind 127.0.0.1 --egress-port 25,587 --no-sender-checks >"$work/netns-probe.log" 2>&1 &
for _ in $(seq 100); do
  curl -fsS -o /dev/null http://127.0.0.1:8025/healthz 2>/dev/null && break
  sleep 0.1
done
created="$(curl -fsS -X POST http://127.0.0.1:8025/api/v1/egress)"
python3 - "$created" >"$work/netns-commands" <<'PY'
import json, sys
test = json.loads(sys.argv[1])
print(test["token"])
for c in test["commands"]:
    if c["shell"] == "unix" and c["tool"] == "curl":
        print(c["port"], c["command"], sep="\t")
PY
token="$(head -n1 "$work/netns-commands")"
tail -n +2 "$work/netns-commands" | while IFS=$'\t' read -r port command; do
  # The port-25 command hangs until its own --max-time (15 s).
  bash -c "$command" >"$work/netns-$port.out" 2>&1 || true
done
curl -fsS "http://127.0.0.1:8025/api/v1/egress/$token"
INNER
result="$("${sudo[@]}" unshare --net --pid --fork --mount-proc -- \
  bash "$work/netns.sh" "$PROBE" "$work")"
ports="$(python3 -c 'import json,sys; print(" ".join(sorted(str(a["port"]) for a in json.loads(sys.argv[1])["arrivals"])))' "$result")"
[ "$ports" = "587" ] || die "in the namespace, want only 587 arriving, got '$ports': $result"
echo "ok: with outbound 25 dropped, 587 arrived and 25 did not"
