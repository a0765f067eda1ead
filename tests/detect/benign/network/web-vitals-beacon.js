// benign: category=network max-plugin=100 max-package=79
// why: performance metrics are sent with sendBeacon to the site's own relative endpoint.
const metrics = {};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.entryType === 'largest-contentful-paint') metrics.lcp = Math.round(entry.startTime);
    if (entry.entryType === 'layout-shift' && !entry.hadRecentInput) {
      metrics.cls = (metrics.cls || 0) + entry.value;
    }
  }
}).observe({ type: 'largest-contentful-paint', buffered: true });

addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden' && Object.keys(metrics).length) {
    navigator.sendBeacon('/api/vitals', JSON.stringify({ page: location.pathname, ...metrics }));
  }
});
