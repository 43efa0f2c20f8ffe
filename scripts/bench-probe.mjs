// Load phases of scripts/bench-probe.sh, against a running probe service on
// loopback. Node's built-in fetch only; prints one JSON object per run.
//
//   node scripts/bench-probe.mjs throughput URL TARGET PORT REQUESTS CONCURRENCY
//     REQUESTS synchronous probes (POST /api/v1/probe) of TARGET:PORT,
//     CONCURRENCY at a time: throughput and p50/p99 latency.
//   node scripts/bench-probe.mjs silent-load URL PROBE_PID PROBES LISTEN_IP PORT SECONDS [EGRESS_PORT EGRESS_CONNECTIONS]
//     Starts a listener on LISTEN_IP:PORT that accepts and never answers;
//     with EGRESS_PORT, first opens EGRESS_CONNECTIONS idle connections to
//     the probe's egress listener on 127.0.0.1 (each waits for the greeting,
//     then says nothing) and measures the service's RSS before and after;
//     then starts PROBES probe jobs of the silent listener at once, samples
//     /healthz latency every 50 ms and the service's RSS (VmRSS, VmHWM)
//     until every job is done or SECONDS pass. The sampler runs in a worker
//     thread of its own, so the polling of 1,000 jobs on the main thread
//     does not delay its requests (which measured node, not the service).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (!isMainThread) {
  // The /healthz sampler: its own event loop, its own connections.
  const { url } = workerData;
  let sampling = true;
  parentPort.on('message', () => {
    sampling = false;
  });
  const latencies = [];
  let failures = 0;
  while (sampling) {
    const t0 = performance.now();
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
      await response.json();
      if (response.status === 200) latencies.push(performance.now() - t0);
      else failures += 1;
    } catch {
      failures += 1;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  parentPort.postMessage({ latencies, failures });
}

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

// Opens `count` connections to 127.0.0.1:port and waits for each greeting.
async function idleConnections(port, count) {
  const sockets = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const socket = net.connect(Number(port), '127.0.0.1');
          sockets.push(socket);
          socket.once('data', (data) =>
            data.toString().startsWith('220 ') ? resolve() : reject(new Error(data.toString())),
          );
          socket.once('error', reject);
        }),
    ),
  );
  return sockets;
}

async function silentLoad(url, pid, probes, listenIp, port, seconds, egressPort, egressCount) {
  let egress = null;
  let egressSockets = [];
  if (egressPort) {
    const before = memory(pid);
    egressSockets = await idleConnections(egressPort, egressCount);
    await new Promise((r) => setTimeout(r, 500));
    const after = memory(pid);
    egress = {
      connections: egressSockets.length,
      rss_before_kib: before.rss_kib,
      rss_after_kib: after.rss_kib,
      per_connection_bytes: Math.round(((after.rss_kib - before.rss_kib) * 1024) / egressCount),
    };
  }
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
  let rssPeak = before.rss_kib;
  const worker = new Worker(new URL(import.meta.url), { workerData: { url } });
  const sampled = new Promise((resolve) => worker.once('message', resolve));
  const rssTimer = setInterval(() => {
    rssPeak = Math.max(rssPeak, memory(pid).rss_kib);
  }, 100);

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
  worker.postMessage('stop');
  const { latencies: healthLatencies, failures: healthFailures } = await sampled;
  await worker.terminate();
  clearInterval(rssTimer);
  const after = memory(pid);
  const egressStillOpen = egressSockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  for (const socket of [...held, ...egressSockets]) socket.destroy();
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
    egress: egress && { ...egress, still_open_at_end: egressStillOpen },
  };
}

let result;
if (!isMainThread) {
  // The sampler worker: nothing more to run.
} else if (mode === 'throughput') {
  const [url, target, port, requests, concurrency] = args;
  result = await throughput(url, target, port, Number(requests), Number(concurrency));
} else if (mode === 'silent-load') {
  const [url, pid, probes, listenIp, port, seconds, egressPort, egressCount] = args;
  result = await silentLoad(
    url,
    pid,
    Number(probes),
    listenIp,
    port,
    Number(seconds),
    egressPort,
    Number(egressCount ?? 0),
  );
} else {
  console.error('usage: bench-probe.mjs throughput|silent-load ...');
  process.exit(2);
}
if (isMainThread) console.log(JSON.stringify(result));
