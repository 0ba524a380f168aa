#!/usr/bin/env node
// The `faultline` command: faultline's compiled JavaScript (dist/, built by `npm run build`).
// A user's own TypeScript protocol or scenario module loads through tsx, registered only
// when such a module is imported.
const { runProcess } = await import('../dist/bin.js');
await runProcess();
