#!/usr/bin/env bash
# The egress test end to end, with real programs, on loopback and in a
# network namespace only:
#   1. every Unix one-liner the API hands out (curl, bash /dev/tcp, nc,
#      openssl, swaks, telnet) runs for real against the listeners and
#      arrives (crates/probe/tests/egress.rs, the ignored test);
#   2. two probe processes share one real redis-server on loopback: a
#      connection to instance B's listener completes a test created on A,
#      and the rate limit is one limit across both;
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

missing=()
mapfile -t EGRESS_PACKAGES < <(port25_packages egress) # scripts/packages.sh
for pkg in "${EGRESS_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
    install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log "one-liners, run for real"
nice -n 5 cargo test --quiet -p port25-probe --test egress -- --include-ignored every_unix_one_liner_arrives

log "cargo build -p port25-probe"
nice -n 5 cargo build --quiet -p port25-probe
PROBE="$CARGO_TARGET_DIR/debug/port25-probe"

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
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
    --rate-per-minute 6 --rate-burst 4 \
    --egress-name egress.test --egress-host 127.0.0.1 --egress-bind 127.0.0.1 \
    --egress-port "$3" --egress-implicit-tls-port 0 >"$work/$1.log" 2>&1 &
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

# Burst 4 in all: one create above, then A, B, B; the next on either is 429.
codes=""
for api in "$api_a" "$api_b" "$api_b" "$api_a" "$api_b"; do
  codes+="$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$api/api/v1/egress") "
done
[ "$codes" = "201 201 201 429 429 " ] || die "shared rate limit: got $codes, want 201 201 201 429 429"
echo "ok: the rate limit is shared (burst 4 across both instances: $codes)"

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
  --egress-bind 127.0.0.1 --egress-port 25,587 >"$work/netns-probe.log" 2>&1 &
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
