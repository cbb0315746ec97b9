import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { renderBlocksAsText, type TextButton, type TextInput } from '../views/text.js';
import type { RecordedCall, SlackEmulator, SlackReply } from './emulator.js';

export interface ConsoleOptions {
  emulator: SlackEmulator;
  input: Readable;
  output: Writable;
  terminal?: boolean;
  userId?: string;
  channelId?: string;
  /** The slash commands Banto knows (from the registry), for `help` and tab completion. */
  commands?: readonly { command: string; usageHint: string | undefined }[];
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

const usage = (commands: ConsoleOptions['commands'] = []) => `${
  commands.length > 0
    ? `Slash commands (as in Slack; Tab completes):\n${commands.map((c) => `  ${c.command}${c.usageHint ? ` ${c.usageHint}` : ''}`).join('\n')}\n`
    : ''
}Type a slash command as in Slack (/banto help, /payments today), or:
  users | channels           who and where you can be
  as <user id or name>       act as another person
  in <channel id or #name>   type in another channel
  <number>                   press that button
  fill                       fill in and submit the open modal
  help | quit`;

/**
 * The terminal face of local mode: a person picks a user and a channel, types
 * slash commands, reads Banto's answers as text and presses buttons by number.
 * Everything goes through the emulator, so it is exactly what Slack would see.
 */
export function startConsole({
  emulator,
  input,
  output,
  terminal = false,
  userId,
  channelId,
  commands = [],
}: ConsoleOptions): LocalConsole {
  const ws = emulator.workspace;
  const names = commands.map((c) => c.command);
  const complete = (line: string): [string[], string] => [names.filter((n) => n.startsWith(line)), line];
  const rl = createInterface({ input, output, terminal, completer: complete });
  const state = { userId: userId ?? ws.users[0]?.id ?? '', channelId: channelId ?? ws.channels[0]?.id ?? '' };
  let buttons: PressableButton[] = [];
  let openView: { id: string; title: string; inputs: TextInput[] } | undefined;
  let busy: Promise<void> = Promise.resolve();

  // In a terminal, clear the prompt line first so an answer that arrives later does not land after it.
  const say = (text: string) => output.write(`${terminal ? '\r\x1b[K' : ''}${text}\n`);
  const userLabel = (id: string) => ws.users.find((u) => u.id === id)?.name ?? id;
  const channelLabel = (id: unknown) => `#${ws.channels.find((c) => c.id === id)?.name ?? String(id)}`;
  const prompt = () => rl.setPrompt(`${userLabel(state.userId)} ${channelLabel(state.channelId)}> `);

  const show = (
    heading: string,
    blocks: unknown,
    text: unknown,
    origin: { channelId?: string | undefined; viewId?: string | undefined },
  ) => {
    const rendering = renderBlocksAsText(blocks, {
      fallbackText: typeof text === 'string' ? text : '',
      firstButton: buttons.length + 1,
    });
    buttons.push(...rendering.buttons.map((b) => ({ ...b, ...origin })));
    say(`${heading}\n${rendering.text}`);
    return rendering;
  };

  /** `viewId`: the modal a submission came from, which an "update" answer replaces in place. */
  const showReply = (reply: SlackReply, viewId?: string) => {
    const body = reply.body;
    if (reply.status !== 200) return say(`(Banto answered HTTP ${reply.status})`);
    if (!body) return;
    if (body.response_action === 'errors') return say(`[modal errors] ${JSON.stringify(body.errors)}`);
    if (body.response_action === 'update' || body.response_action === 'push')
      return showView(body.view as Record<string, unknown>, viewId ?? openView?.id ?? '');
    if (body.blocks || body.text)
      show(`[${channelLabel(state.channelId)}, only you]`, body.blocks, body.text, { channelId: state.channelId });
  };

  const showView = (view: Record<string, unknown>, id: string) => {
    const title = String((view.title as { text?: string } | undefined)?.text ?? 'modal');
    const rendering = show(`[modal: ${title}]`, view.blocks, '', { viewId: id });
    openView = { id, title, inputs: rendering.inputs };
    if (rendering.inputs.length > 0) say('(type `fill` to fill in and submit this modal)');
  };

  const onCall = (call: RecordedCall) => {
    const a = call.args;
    if (call.response.ok !== true) return;
    if (call.method === 'chat.postMessage')
      show(`[${channelLabel(a.channel)}] Banto:`, a.blocks, a.text, { channelId: a.channel as string });
    else if (call.method === 'chat.update')
      show(`[${channelLabel(a.channel)}] Banto (edited):`, a.blocks, a.text, { channelId: a.channel as string });
    else if (call.method === 'chat.postEphemeral' && a.user === state.userId)
      show(`[${channelLabel(a.channel)}, only you]`, a.blocks, a.text, { channelId: a.channel as string });
    else if (call.method === 'response_url') {
      const where =
        a.response_type === 'in_channel' ? channelLabel(state.channelId) : `${channelLabel(state.channelId)}, only you`;
      show(`[${where}]`, a.blocks, a.text, { channelId: state.channelId });
    } else if (call.method.startsWith('views.'))
      showView(
        (call.response.view ?? {}) as Record<string, unknown>,
        String((call.response.view as { id?: string }).id),
      );
    else if (call.method === 'files.completeUploadExternal')
      say(`[${channelLabel(a.channel_id)}] Banto uploaded a file: ${JSON.stringify(a.files)}`);
    else return;
    rl.prompt(true);
  };
  emulator.on('call', onCall);

  const ask = async (question: string) => (await rl.question(question)).trim();

  const fill = async () => {
    if (!openView) return say('No modal is open.');
    const values: Record<string, Record<string, string>> = {};
    for (const field of openView.inputs) {
      const choices = field.options.map((o, i) => `${i + 1}) ${o.label}`).join('  ');
      const answer = await ask(
        `${field.label}${field.optional ? ' (optional)' : ''}${choices ? ` [${choices}]` : ''}: `,
      );
      const option = field.options[Number(answer) - 1];
      (values[field.blockId] ??= {})[field.actionId] = option ? option.value : answer;
    }
    const viewId = openView.id;
    openView = undefined;
    showReply(await emulator.submitView({ userId: state.userId, viewId, values }), viewId);
  };

  const choose = (arg: string, kind: 'user' | 'channel') => {
    const name = arg.replace(/^[#@]/, '');
    const found =
      kind === 'user'
        ? ws.users.find((u) => u.id === name || u.name === name)
        : ws.channels.find((c) => c.id === name || c.name === name);
    if (!found) return say(`No ${kind} "${arg}". Type ${kind}s to list them.`);
    if (kind === 'user') state.userId = found.id;
    else state.channelId = found.id;
    prompt();
  };

  const handle = async (line: string) => {
    const [word = '', ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(' ');
    if (word === '') return;
    if (word === 'help') return say(usage(commands));
    if (word === 'users')
      return say(
        ws.users
          .map((u) => `${u.id === state.userId ? '*' : ' '} ${u.id}  ${u.name}  ${u.realName}  ${u.title}`)
          .join('\n'),
      );
    if (word === 'channels')
      return say(
        ws.channels
          .map(
            (c) => `${c.id === state.channelId ? '*' : ' '} ${c.id}  #${c.name}  ${c.isPrivate ? 'private' : 'public'}`,
          )
          .join('\n'),
      );
    if (word === 'as') return choose(arg, 'user');
    if (word === 'in') return choose(arg, 'channel');
    if (word === 'fill') return fill();
    if (word === 'quit' || word === 'exit') return void rl.close();
    if (word.startsWith('/')) {
      buttons = [];
      return showReply(
        await emulator.sendCommand({ userId: state.userId, channelId: state.channelId, command: word, text: arg }),
      );
    }
    const number = Number(word === 'press' ? arg : word);
    const button = buttons.find((b) => b.number === number);
    if (!button) return say(`Not a command or a button number: ${line.trim()}. Type help.`);
    showReply(
      await emulator.pressButton({
        userId: state.userId,
        actionId: button.actionId,
        blockId: button.blockId,
        value: button.value,
        channelId: button.viewId ? undefined : button.channelId,
        viewId: button.viewId,
      }),
    );
  };

  const closed = new Promise<void>((resolve) => {
    rl.on('close', () => {
      emulator.off('call', onCall);
      resolve();
    });
  });
  rl.on('line', (line) => {
    // One line at a time, in order; an error is shown, never fatal.
    busy = busy
      .then(() => handle(line))
      .catch((error: unknown) => void say(`error: ${error instanceof Error ? error.message : String(error)}`))
      .then(() => rl.prompt());
  });

  say(
    `Banto local console. You are ${userLabel(state.userId)} in ${channelLabel(state.channelId)}.\n${usage(commands)}`,
  );
  prompt();
  rl.prompt();
  return { closed, close: () => rl.close() };
}
