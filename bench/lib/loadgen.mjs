// HTTP load generator, run as a SEPARATE process (child_process.fork) so the load it generates
// does not share an event loop with the server or the benchmark driver. Closed loop: each of
// `connections` virtual clients keeps exactly one request in flight on its own keep-alive socket.
//
// Parent → child (one IPC message):
//   { host, port, method, path, headers, bodies: string[], connections, warmupMs, durationMs }
//   bodies are sent round-robin (one per request). Requests finishing during the warm-up are not
//   counted; the measurement window is durationMs after it.
// Child → parent (one IPC message):
//   { ok, errors, statuses (2xx / non-2xx answers in the measurement window), sockErrors (socket
//     errors), allErrors (non-2xx and socket errors at any time, warm-up included), samples: sorted
//     latencies of the window's 2xx answers (ms), windowMs, cpuMs (this process), firstErrors }
import http from 'node:http';

function runLoad(cfg) {
  const { host, port, method, path, headers = {}, bodies = [null], connections, warmupMs, durationMs } = cfg;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const latencies = [];
  const statuses = {};
  const firstErrors = [];
  let ok = 0;
  let errors = 0;
  let allErrors = 0;
  let sockErrors = 0;
  let next = 0;
  const t0 = performance.now();
  const tMeasure = t0 + warmupMs;
  const tEnd = tMeasure + durationMs;
  const cpu0 = process.cpuUsage();
  let cpuAtMeasure = null;

  const one = () =>
    new Promise((resolve) => {
      const body = bodies[next++ % bodies.length];
      const start = performance.now();
      const req = http.request(
        { host, port, method, path, agent, headers: body == null ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const end = performance.now();
            if (start >= tMeasure && end <= tEnd) {
              statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
              if (res.statusCode >= 200 && res.statusCode < 300) {
                ok++;
                latencies.push(end - start);
              } else {
                errors++;
              }
            }
            if (res.statusCode < 200 || res.statusCode >= 300) {
              allErrors++;
              if (firstErrors.length < 5) firstErrors.push(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`);
            }
            resolve();
          });
        },
      );
      req.on('error', (e) => {
        sockErrors++;
        allErrors++;
        if (firstErrors.length < 5) firstErrors.push(`socket: ${e.message}`);
        resolve();
      });
      if (body != null) req.end(body);
      else req.end();
    });

  const client = async () => {
    while (performance.now() < tEnd) {
      if (cpuAtMeasure === null && performance.now() >= tMeasure) cpuAtMeasure = process.cpuUsage(cpu0);
      await one();
    }
  };
  return Promise.all(Array.from({ length: connections }, client)).then(() => {
    const cpu = process.cpuUsage(cpu0);
    const before = cpuAtMeasure ?? { user: 0, system: 0 };
    agent.destroy();
    latencies.sort((a, b) => a - b);
    return {
      ok,
      errors,
      sockErrors,
      allErrors,
      statuses,
      samples: latencies,
      windowMs: durationMs,
      cpuMs: (cpu.user + cpu.system - before.user - before.system) / 1000,
      firstErrors,
    };
  });
}

process.once('message', async (cfg) => {
  try {
    const result = await runLoad(cfg);
    process.send({ result }, () => process.exit(0));
  } catch (err) {
    process.send({ error: String(err?.stack ?? err) }, () => process.exit(1));
  }
});
