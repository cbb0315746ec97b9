#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx banto` works right after `npm install`
// without a build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
