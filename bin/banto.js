#!/usr/bin/env node
// The CLI runs compiled JavaScript (dist/, built by `npm install` through the `prepare` script, or by
// `npm run build`): no TypeScript compiler at every start. `npm run dev` runs the sources in watch mode.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('banto: dist/ is missing; run `npm install` (or `npm run build`) first\n');
  process.exit(2);
}
const { runCli } = await import(main.href);
await runCli(process.argv);
