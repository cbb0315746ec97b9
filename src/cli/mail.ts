import type { Command } from 'commander';
import { withServices } from './services.js';

export function registerMailCommands(mail: Command): void {
  mail
    .command('drain')
    .description('send every queued message that is due, then exit (what the running app does continuously)')
    .action(() =>
      withServices(async ({ mail: service }) => {
        await service.importTemplates();
        const counts = await service.sender.drain();
        process.stdout.write(`sent ${counts.sent}, failed ${counts.failed}, to retry later ${counts.retrying}\n`);
      }),
    );
  mail
    .command('templates')
    .description('import templates/ (changed files become drafts) and list every template with its state')
    .action(() =>
      withServices(async ({ mail: service }) => {
        const created = await service.importTemplates();
        for (const c of created) process.stdout.write(`imported ${c.name} v${c.version} (draft)\n`);
        for (const t of await service.templates()) {
          const sendable = t.sendable ? `sends v${t.sendable.version}` : 'nothing approved yet';
          process.stdout.write(
            `${t.name.padEnd(20)} v${t.latest.version} ${t.latest.state.padEnd(9)} ${sendable} — ${t.description}\n`,
          );
        }
      }),
    );
}
