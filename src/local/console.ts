import { createInterface, type Interface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { renderBlocksAsText, type SlackNames, type TextButton, type TextInput } from '../views/text.js';
import type { RecordedCall, SlackEmulator, SlackReply } from './emulator.js';
import type { Workspace } from './workspace.js';

export interface ConsoleOptions {
  emulator: SlackEmulator;
  input: Readable;
  output: Writable;
  terminal?: boolean;
  userId?: string;
  channelId?: string;
  /** The slash commands Banto knows (from the registry), for `help` and tab completion. */
  commands?: readonly { command: string; usageHint: string | undefined }[];
  /** Local mode's demo partner, which `partner down|up` switches. */
  partner?: { setDown(down: boolean): void } | undefined;
}

export interface LocalConsole {
  /** Resolves when the person types `quit` or the input ends. */
  closed: Promise<void>;
  close(): void;
}

interface PressableButton extends TextButton {
  channelId?: string | undefined;
  viewId?: string | undefined;
}

interface Origin {
  channelId?: string | undefined;
  viewId?: string | undefined;
}

const usage = (commands: NonNullable<ConsoleOptions['commands']>) => {
  const list = commands.map((c) => `  ${c.command}${c.usageHint ? ` ${c.usageHint}` : ''}`).join('\n');
  return `${list ? `Slash commands (as in Slack; Tab completes):\n${list}\n` : ''}Type a slash command as in Slack (/banto help, /payments today), or:
  users | channels           who and where you can be
  as <user id or name>       act as another person
  in <channel id or #name>   type in another channel
  home                       open your Home tab (what your roles may see)
  shortcut <name> <text>     a message shortcut on a message with <text>: translate, lookup
  <number>                   press that button
  fill                       fill in and submit the open modal
  partner down | partner up  the demo partner answers 503 (watch /sync-status and the alert), or answers again
  help | quit`;
};

function namesOf(workspace: Workspace): SlackNames {
  return {
    users: new Map(workspace.users.map((u) => [u.id, u.name])),
    channels: new Map(workspace.channels.map((c) => [c.id, c.name])),
    usergroups: new Map(Object.entries(workspace.usergroups).map(([id, g]) => [id, g.handle])),
  };
}

/** One person at the terminal: who and where they are, the buttons they can press, the modal open in front of them. */
class ConsoleSession {
  private readonly ws: Workspace;
  private readonly names: SlackNames;
  private readonly state: { userId: string; channelId: string };
  private buttons: PressableButton[] = [];
  private openView: { id: string; title: string; inputs: TextInput[] } | undefined;

  constructor(
    private readonly options: ConsoleOptions & { terminal: boolean },
    private readonly rl: Interface,
  ) {
    this.ws = options.emulator.workspace;
    this.names = namesOf(this.ws);
    this.state = {
      userId: options.userId ?? this.ws.users[0]?.id ?? '',
      channelId: options.channelId ?? this.ws.channels[0]?.id ?? '',
    };
  }

  // In a terminal, clear the prompt line first so an answer that arrives later does not land after it.
  say(text: string): void {
    this.options.output.write(`${this.options.terminal ? '\r\x1b[K' : ''}${text}\n`);
  }

  private userLabel = (id: string) => this.ws.users.find((u) => u.id === id)?.name ?? id;
  private channelLabel = (id: unknown) => `#${this.ws.channels.find((c) => c.id === id)?.name ?? String(id)}`;

  prompt(): void {
    this.rl.setPrompt(`${this.userLabel(this.state.userId)} ${this.channelLabel(this.state.channelId)}> `);
  }

  greet(): void {
    this.say(
      `Banto local console. You are ${this.userLabel(this.state.userId)} in ${this.channelLabel(this.state.channelId)}.\n${usage(this.options.commands ?? [])}`,
    );
    this.prompt();
    this.rl.prompt();
  }

  private show(heading: string, blocks: unknown, text: unknown, origin: Origin) {
    const rendering = renderBlocksAsText(blocks, {
      fallbackText: typeof text === 'string' ? text : '',
      firstButton: this.buttons.length + 1,
      names: this.names,
      ansi: this.options.terminal,
    });
    this.buttons.push(...rendering.buttons.map((b) => ({ ...b, ...origin })));
    this.say(`${heading}\n${rendering.text}`);
    return rendering;
  }

  /** `viewId`: the modal a submission came from, which an "update" answer replaces in place. */
  private showReply(reply: SlackReply, viewId?: string) {
    const body = reply.body;
    if (reply.status !== 200) return this.say(`(Banto answered HTTP ${reply.status})`);
    if (!body) return;
    if (body.response_action === 'errors') return this.say(`[modal errors] ${JSON.stringify(body.errors)}`);
    if (body.response_action === 'update' || body.response_action === 'push')
      return this.showView(body.view as Record<string, unknown>, viewId ?? this.openView?.id ?? '');
    if (body.blocks || body.text)
      this.show(`[${this.channelLabel(this.state.channelId)}, only you]`, body.blocks, body.text, {
        channelId: this.state.channelId,
      });
  }

  private showView(view: Record<string, unknown>, id: string) {
    const title = String((view.title as { text?: string } | undefined)?.text ?? 'modal');
    const rendering = this.show(`[modal: ${title}]`, view.blocks, '', { viewId: id });
    this.openView = { id, title, inputs: rendering.inputs };
    if (rendering.inputs.length > 0) this.say('(type `fill` to fill in and submit this modal)');
  }

  /** What Banto did in Slack (posts, ephemeral answers, modals, uploads), as this person sees it. */
  readonly onCall = (call: RecordedCall): void => {
    const a = call.args;
    const channel = a.channel as string;
    if (call.response.ok !== true) return;
    if (call.method === 'chat.postMessage')
      this.show(`[${this.channelLabel(channel)}] Banto:`, a.blocks, a.text, { channelId: channel });
    else if (call.method === 'chat.update')
      this.show(`[${this.channelLabel(channel)}] Banto (edited):`, a.blocks, a.text, { channelId: channel });
    else if (call.method === 'chat.postEphemeral' && a.user === this.state.userId)
      this.show(`[${this.channelLabel(channel)}, only you]`, a.blocks, a.text, { channelId: channel });
    else if (call.method === 'response_url') {
      const where =
        a.response_type === 'in_channel'
          ? this.channelLabel(this.state.channelId)
          : `${this.channelLabel(this.state.channelId)}, only you`;
      this.show(`[${where}]`, a.blocks, a.text, { channelId: this.state.channelId });
    } else if (call.method === 'views.publish') {
      if (a.user_id !== this.state.userId) return;
      this.show('[Home]', (a.view as { blocks?: unknown }).blocks, '', {});
    } else if (call.method.startsWith('views.'))
      this.showView(
        (call.response.view ?? {}) as Record<string, unknown>,
        String((call.response.view as { id?: string }).id),
      );
    else if (call.method === 'files.completeUploadExternal')
      this.say(`[${this.channelLabel(a.channel_id)}] Banto uploaded a file: ${JSON.stringify(a.files)}`);
    else return;
    this.rl.prompt(true);
  };

  private async fill() {
    if (!this.openView) return this.say('No modal is open.');
    const values: Record<string, Record<string, string>> = {};
    for (const field of this.openView.inputs) {
      const choices = field.options.map((o, i) => `${i + 1}) ${o.label}`).join('  ');
      const answer = (
        await this.rl.question(
          `${field.label}${field.optional ? ' (optional)' : ''}${choices ? ` [${choices}]` : ''}: `,
        )
      ).trim();
      const option = field.options[Number(answer) - 1];
      (values[field.blockId] ??= {})[field.actionId] = option ? option.value : answer;
    }
    const viewId = this.openView.id;
    this.openView = undefined;
    this.showReply(await this.options.emulator.submitView({ userId: this.state.userId, viewId, values }), viewId);
  }

  private choose(arg: string, kind: 'user' | 'channel') {
    const name = arg.replace(/^[#@]/, '');
    const found =
      kind === 'user'
        ? this.ws.users.find((u) => u.id === name || u.name === name)
        : this.ws.channels.find((c) => c.id === name || c.name === name);
    if (!found) return this.say(`No ${kind} "${arg}". Type ${kind}s to list them.`);
    if (kind === 'user') this.state.userId = found.id;
    else this.state.channelId = found.id;
    this.prompt();
  }

  private listUsers() {
    this.say(
      this.ws.users
        .map((u) => `${u.id === this.state.userId ? '*' : ' '} ${u.id}  ${u.name}  ${u.realName}  ${u.title}`)
        .join('\n'),
    );
  }

  private listChannels() {
    this.say(
      this.ws.channels
        .map(
          (c) =>
            `${c.id === this.state.channelId ? '*' : ' '} ${c.id}  #${c.name}  ${c.isPrivate ? 'private' : 'public'}`,
        )
        .join('\n'),
    );
  }

  /** `shortcut translate Hello there`: the message shortcut chosen on a message saying "Hello there". */
  private async shortcut(arg: string) {
    const [name = '', ...words] = arg.split(/\s+/);
    const callbackId = ({ translate: 'translate_message', lookup: 'lookup_customer' } as Record<string, string>)[name];
    if (!callbackId || words.length === 0) return this.say('Usage: shortcut translate <text> | shortcut lookup <text>');
    this.buttons = [];
    this.showReply(
      await this.options.emulator.messageShortcut({
        userId: this.state.userId,
        channelId: this.state.channelId,
        callbackId,
        message: { text: words.join(' '), user: this.state.userId },
      }),
    );
  }

  private switchPartner(arg: string) {
    const { partner } = this.options;
    if (!partner) return this.say('No demo partner here: the config names sync sources of its own.');
    if (arg !== 'down' && arg !== 'up') return this.say('Usage: partner down | partner up');
    partner.setDown(arg === 'down');
    this.say(
      arg === 'down'
        ? 'The demo partner now answers 503. The next runs of sync-demo_crm fail (press Sync now in /sync-status).'
        : 'The demo partner answers again; the next run recovers.',
    );
  }

  async handle(line: string): Promise<void> {
    const [word = '', ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(' ');
    const { emulator } = this.options;
    if (word === '') return;
    if (word === 'help') return this.say(usage(this.options.commands ?? []));
    if (word === 'users') return this.listUsers();
    if (word === 'channels') return this.listChannels();
    if (word === 'as') return this.choose(arg, 'user');
    if (word === 'in') return this.choose(arg, 'channel');
    if (word === 'fill') return this.fill();
    if (word === 'partner') return this.switchPartner(arg);
    if (word === 'home') {
      this.buttons = [];
      return this.showReply(await emulator.openHomeTab(this.state.userId));
    }
    if (word === 'shortcut') return this.shortcut(arg);
    if (word === 'quit' || word === 'exit') return void this.rl.close();
    if (word.startsWith('/')) {
      this.buttons = [];
      return this.showReply(
        await emulator.sendCommand({
          userId: this.state.userId,
          channelId: this.state.channelId,
          command: word,
          text: arg,
        }),
      );
    }
    const number = Number(word === 'press' ? arg : word);
    const button = this.buttons.find((b) => b.number === number);
    if (!button) return this.say(`Not a command or a button number: ${line.trim()}. Type help.`);
    const channelId = button.viewId ? undefined : button.channelId;
    this.showReply(
      await emulator.pressButton({
        userId: this.state.userId,
        actionId: button.actionId,
        blockId: button.blockId,
        value: button.value,
        channelId,
        viewId: button.viewId,
      }),
    );
  }
}

/**
 * The terminal face of local mode: a person picks a user and a channel, types
 * slash commands, reads Banto's answers as text and presses buttons by number.
 * Everything goes through the emulator, so it is exactly what Slack would see.
 */
export function startConsole(options: ConsoleOptions): LocalConsole {
  const { emulator, input, output, terminal = false, commands = [] } = options;
  const names = commands.map((c) => c.command);
  const completer = (line: string): [string[], string] => [names.filter((n) => n.startsWith(line)), line];
  const rl = createInterface({ input, output, terminal, completer });
  const session = new ConsoleSession({ ...options, terminal }, rl);
  emulator.on('call', session.onCall);
  const closed = new Promise<void>((resolve) => {
    rl.on('close', () => {
      emulator.off('call', session.onCall);
      resolve();
    });
  });
  let busy: Promise<void> = Promise.resolve();
  rl.on('line', (line) => {
    // One line at a time, in order; an error is shown, never fatal.
    busy = busy
      .then(() => session.handle(line))
      .catch((error: unknown) => void session.say(`error: ${error instanceof Error ? error.message : String(error)}`))
      .then(() => rl.prompt());
  });
  session.greet();
  return { closed, close: () => rl.close() };
}
