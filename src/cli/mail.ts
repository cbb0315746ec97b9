import type { Command } from 'commander';
import { createSystemClock } from '../clock.js';
import { yesOption } from './database.js';
import { withServices } from './services.js';
import { formatTable, printJson, printLines } from './table.js';

export function registerMailCommands(mail: Command): void {
  mail
    .command('status')
    .description("today's messages by state, and the oldest one still waiting (as /banto mail-status)")
    .option('--json', 'the same as JSON')
    .action((options: { json?: boolean }) =>
      withServices({ writes: false }, async ({ mail: service }, config) => {
        const day = createSystemClock(config.timezone).now().startOf('day');
        const status = await service.status(day, day.plus({ days: 1 }));
        if (options.json) return printJson(status);
        const oldest = status.oldestQueued;
        printLines(
          `mail created ${day.toISODate() ?? ''} (${config.timezone})`,
          '',
          formatTable(
            ['state', 'messages'],
            Object.entries(status.counts).map(([state, n]) => [state, String(n)]),
            ['left', 'right'],
          ),
          '',
          oldest
            ? `oldest waiting: #${oldest.id} ${oldest.template}, queued ${oldest.createdAt.setZone(config.timezone).toFormat('yyyy-MM-dd HH:mm')}, ${oldest.attempts} attempt(s)${oldest.lastError ? `, last error: ${oldest.lastError}` : ''}`
            : 'nothing is waiting',
        );
      }),
    );
  mail
    .command('drain')
    .description('send every queued message that is due, then exit (what the running app does continuously)')
    .option(...yesOption)
    .action((options: { yes?: boolean }) =>
      withServices({ writes: true, yes: options.yes }, async ({ mail: service }) => {
        await service.importTemplates();
        const counts = await service.sender.drain();
        process.stdout.write(`sent ${counts.sent}, failed ${counts.failed}, to retry later ${counts.retrying}\n`);
      }),
    );
  mail
    .command('templates')
    .description('import templates/ (changed files become drafts) and list every template with its state')
    .option(...yesOption)
    .action((options: { yes?: boolean }) =>
      withServices({ writes: true, yes: options.yes }, async ({ mail: service }) => {
        const created = await service.importTemplates();
        for (const c of created) process.stdout.write(`imported ${c.name} v${c.version} (draft)\n`);
        printLines(
          formatTable(
            ['template', 'latest', 'state', 'sends', 'description'],
            (await service.templates()).map((t) => [
              t.name,
              `v${t.latest.version}`,
              t.latest.state,
              t.sendable ? `v${t.sendable.version}` : 'nothing approved yet',
              t.description,
            ]),
          ),
        );
      }),
    );
}
