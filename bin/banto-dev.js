#!/usr/bin/env node
// `npm run dev`: the CLI from its TypeScript sources, run by `tsx watch` and restarted on every change.
import process from 'node:process';

const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
