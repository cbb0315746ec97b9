// `npm run dev`: the CLI from its sources through tsx, restarted on every change.
import { runCli } from './main.js';

await runCli(process.argv);
