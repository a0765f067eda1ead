// benign: category=process-access max-plugin=100 max-package=79
// why: a health handler reports memory, uptime and pid of its own process.
export function health(startedAt) {
  const mem = process.memoryUsage();
  const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
  return {
    status: 'ok',
    pid: process.pid,
    uptimeSeconds: Math.round(process.uptime()),
    since: new Date(startedAt).toISOString(),
    memory: { rss: mb(mem.rss), heapUsed: mb(mem.heapUsed), heapTotal: mb(mem.heapTotal) },
    node: process.version,
  };
}

export function handler(req, res) {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(health(Date.now() - process.uptime() * 1000)));
}
