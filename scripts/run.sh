#!/usr/bin/env bash
# Runs the product on loopback: set-up if needed, release build of the site
# and the probe, then serves the site and starts the probe. Ctrl-C stops both.
#
# Ports: PORT25_SITE_PORT (default 8080), PORT25_PROBE_PORT (default 8025),
# and the egress test's listeners on 127.0.0.1, PORT25_EGRESS_PORTS (default
# 10025,10465,10587,12525: unprivileged stand-ins for 25, 465, 587 and 2525;
# PORT25_EGRESS_TLS_PORT, default 10465, speaks implicit TLS). The mail path
# takes mail for TOKEN@PORT25_EGRESS_DOMAIN (default egress.localhost): on
# loopback, deliver it straight to a listener, e.g.
#   swaks --server 127.0.0.1 --port 10025 --to TOKEN@egress.localhost
# Who is sending looks the loopback sources up in reverse DNS only
# (--no-dnsbl): no blocklist lists 127.0.0.1, and asking public lists about
# it would only send them queries.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

site_port="${PORT25_SITE_PORT:-8080}"
probe_port="${PORT25_PROBE_PORT:-8025}"
egress_ports="${PORT25_EGRESS_PORTS:-10025,10465,10587,12525}"
egress_tls_port="${PORT25_EGRESS_TLS_PORT:-10465}"
egress_domain="${PORT25_EGRESS_DOMAIN:-egress.localhost}"

bash scripts/setup.sh
bash scripts/build.sh /
log "cargo build --release -p port25-probe"
cargo build --release -p port25-probe

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  log "stopped"
}
trap stop INT TERM EXIT

# The probe answers browsers only from the site's origin (CORS); an explicit
# PORT25_PROBE_CORS_ORIGINS wins.
cors=()
if [ -z "${PORT25_PROBE_CORS_ORIGINS:-}" ]; then
  cors=(--cors-origin "http://127.0.0.1:$site_port" --cors-origin "http://localhost:$site_port")
fi
"$CARGO_TARGET_DIR/release/port25-probe" serve --listen "127.0.0.1:$probe_port" "${cors[@]}" \
  --egress-name localhost --egress-host 127.0.0.1 --egress-bind 127.0.0.1 \
  --egress-port "$egress_ports" --egress-implicit-tls-port "$egress_tls_port" \
  --egress-domain "$egress_domain" --no-dnsbl &
pids+=($!)
node scripts/serve.mjs --dir dist --base / --port "$site_port" &
pids+=($!)

# Wait until both answer before announcing them.
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$probe_port/healthz" >/dev/null 2>&1 &&
    curl -fsS "http://127.0.0.1:$site_port/" >/dev/null 2>&1; then
    break
  fi
  sleep 0.2
done
log "site:  http://127.0.0.1:$site_port/"
log "probe: http://127.0.0.1:$probe_port/healthz"
log "egress test listeners: 127.0.0.1 ports $egress_ports (try /egress)"
log "egress mail path: TOKEN@$egress_domain, e.g. swaks --server 127.0.0.1 --port ${egress_ports%%,*} --to TOKEN@$egress_domain"
log "press Ctrl-C to stop both"
wait -n "${pids[@]}"
