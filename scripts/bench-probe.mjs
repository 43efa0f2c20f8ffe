// Load phases of scripts/bench-probe.sh, against a running probe service on
// loopback. Node's built-in fetch only; prints one JSON object per run.
//
//   node scripts/bench-probe.mjs throughput URL TARGET PORT REQUESTS CONCURRENCY
//     REQUESTS synchronous probes (POST /api/v1/probe) of TARGET:PORT,
//     CONCURRENCY at a time: throughput and p50/p99 latency.
//   node scripts/bench-probe.mjs silent-load URL PROBE_PID PROBES LISTEN_IP PORT SECONDS
//     Starts a listener on LISTEN_IP:PORT that accepts and never answers,
//     starts PROBES probe jobs of it at once, samples /healthz latency every
//     50 ms and the service's RSS (VmRSS, VmHWM) until every job is done or
//     SECONDS pass.
import { readFileSync } from 'node:fs';
import net from 'node:net';

const [mode, ...args] = process.argv.slice(2);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function round(x) {
  return x === null ? null : Math.round(x * 10) / 10;
}

function summary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted[sorted.length - 1] ?? null),
  };
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number((status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) ?? [])[1]);
  return { rss_kib: kib('VmRSS'), hwm_kib: kib('VmHWM') };
}

async function throughput(url, target, port, requests, concurrency) {
  const body = JSON.stringify({ target, port: Number(port), mode: 'host' });
  const latencies = [];
  const outcomes = {};
  let statusErrors = 0;
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < requests) {
      next += 1;
      const t0 = performance.now();
      const response = await fetch(`${url}/api/v1/probe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const json = await response.json();
      latencies.push(performance.now() - t0);
      if (response.status !== 200) {
        statusErrors += 1;
        outcomes[`http-${response.status}-${json.error}`] = (outcomes[`http-${response.status}-${json.error}`] ?? 0) + 1;
        continue;
      }
      for (const result of json.results) {
        outcomes[result.outcome.kind] = (outcomes[result.outcome.kind] ?? 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    requests,
    concurrency,
    seconds: round(seconds),
    per_second: round(requests / seconds),
    http_errors: statusErrors,
    outcomes,
    ...summary(latencies),
  };
}

async function silentLoad(url, pid, probes, listenIp, port, seconds) {
  const held = [];
  const server = net.createServer((socket) => {
    // Accept and say nothing: the probe waits for a greeting that never comes.
    held.push(socket);
    socket.on('error', () => {});
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), listenIp, resolve);
  });
  const before = memory(pid);
  const healthLatencies = [];
  let healthFailures = 0;
  let sampling = true;
  let rssPeak = before.rss_kib;
  const sampler = (async () => {
    while (sampling) {
      const t0 = performance.now();
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
        await response.json();
        if (response.status === 200) healthLatencies.push(performance.now() - t0);
        else healthFailures += 1;
      } catch {
        healthFailures += 1;
      }
      rssPeak = Math.max(rssPeak, memory(pid).rss_kib);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const body = JSON.stringify({ target: listenIp, port: Number(port), mode: 'host' });
  const t0 = performance.now();
  const starts = await Promise.all(
    Array.from({ length: probes }, async () => {
      const response = await fetch(`${url}/api/v1/probes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const json = await response.json();
      return { status: response.status, json };
    }),
  );
  const startSeconds = (performance.now() - t0) / 1000;
  const accepted = starts.filter((s) => s.status === 202);
  const refused = {};
  for (const s of starts.filter((s) => s.status !== 202)) {
    refused[`${s.status}-${s.json.error}`] = (refused[`${s.status}-${s.json.error}`] ?? 0) + 1;
  }
  const connectedPeak = { value: 0 };
  const deadline = performance.now() + seconds * 1000;
  const outcomes = {};
  let pending = accepted.map((s) => s.json.poll_url);
  while (pending.length > 0 && performance.now() < deadline) {
    connectedPeak.value = Math.max(connectedPeak.value, held.filter((s) => !s.destroyed).length);
    await new Promise((r) => setTimeout(r, 1000));
    const still = [];
    // Poll in slices so polling itself stays a light load.
    for (let i = 0; i < pending.length; i += 100) {
      const slice = pending.slice(i, i + 100);
      const statuses = await Promise.all(
        slice.map(async (poll) => (await fetch(`${url}${poll}`)).json()),
      );
      statuses.forEach((status, j) => {
        if (status.state === 'running') {
          still.push(slice[j]);
        } else {
          for (const result of status.report?.results ?? []) {
            outcomes[result.outcome.kind] = (outcomes[result.outcome.kind] ?? 0) + 1;
          }
        }
      });
    }
    pending = still;
  }
  const allDoneSeconds = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const after = memory(pid);
  for (const socket of held) socket.destroy();
  server.close();
  return {
    probes,
    accepted: accepted.length,
    refused,
    start_seconds: round(startSeconds),
    done_seconds: round(allDoneSeconds),
    still_running: pending.length,
    held_connections_peak: connectedPeak.value,
    outcomes,
    healthz: { samples: healthLatencies.length, failures: healthFailures, ...summary(healthLatencies) },
    rss_before_kib: before.rss_kib,
    rss_peak_sampled_kib: rssPeak,
    vmhwm_kib: after.hwm_kib,
  };
}

let result;
if (mode === 'throughput') {
  const [url, target, port, requests, concurrency] = args;
  result = await throughput(url, target, port, Number(requests), Number(concurrency));
} else if (mode === 'silent-load') {
  const [url, pid, probes, listenIp, port, seconds] = args;
  result = await silentLoad(url, pid, Number(probes), listenIp, port, Number(seconds));
} else {
  console.error('usage: bench-probe.mjs throughput|silent-load ...');
  process.exit(2);
}
console.log(JSON.stringify(result));
