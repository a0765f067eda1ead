// benign: category=process-access max-plugin=100 max-package=79
// why: one helper reads an opt-out flag from the environment; an unrelated function posts the caller's data.
function telemetryDisabled() {
  const v = process.env.DO_NOT_TRACK || process.env.MYTOOL_NO_TELEMETRY || '';
  return v === '1' || v.toLowerCase() === 'true';
}

async function submitFeedback(apiBase, feedback) {
  const body = JSON.stringify({
    rating: Math.max(1, Math.min(5, Number(feedback.rating) || 3)),
    comment: String(feedback.comment || '').slice(0, 1000),
  });
  const res = await fetch(`${apiBase}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return res.ok;
}

function logUsage(event) {
  if (telemetryDisabled()) return;
  console.debug(`[usage] ${event}`);
}

module.exports = { submitFeedback, logUsage, telemetryDisabled };
