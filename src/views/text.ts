/**
 * Block Kit → readable terminal text, for the local console. Buttons are
 * numbered so a person can press one by typing its number; input blocks are
 * listed so the console can ask for each field of a modal.
 */

export interface TextButton {
  number: number;
  label: string;
  actionId: string;
  blockId: string | undefined;
  value: string | undefined;
}

export interface TextInput {
  blockId: string;
  actionId: string;
  label: string;
  elementType: string;
  optional: boolean;
  options: { label: string; value: string }[];
}

export interface TextRendering {
  text: string;
  buttons: TextButton[];
  inputs: TextInput[];
}

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const asArray = (v: unknown): Json[] => (Array.isArray(v) ? v.map(asObject) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Who and where the ids in Slack markup are, to show `@sato` and `#billing` instead of ids. */
export interface SlackNames {
  users?: ReadonlyMap<string, string>;
  channels?: ReadonlyMap<string, string>;
  usergroups?: ReadonlyMap<string, string>;
}

export interface MrkdwnOptions {
  names?: SlackNames | undefined;
  /** Bold, italics and strikethrough as terminal escapes; without, the markers are dropped. */
  ansi?: boolean | undefined;
}

const ansiStyles = { '*': ['\x1b[1m', '\x1b[22m'], _: ['\x1b[3m', '\x1b[23m'], '~': ['\x1b[9m', '\x1b[29m'] } as const;

/** `*bold*`, `_italic_`, `~strike~` where Slack reads them: not inside a word, not across lines. */
function renderEmphasis(text: string, ansi: boolean): string {
  return text.replace(
    /(?<![A-Za-z0-9])([*_~])(?=\S)([^\n]*?\S)\1(?![A-Za-z0-9])/g,
    (_m, marker: keyof typeof ansiStyles, inner: string) => {
      const [on, off] = ansiStyles[marker];
      return ansi ? `${on}${inner}${off}` : inner;
    },
  );
}

/** Mentions, channels and links as a person reads them; `&lt;` and friends decoded. */
function renderReferences(text: string, names: SlackNames): string {
  return text
    .replace(
      /<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_m, id: string, label?: string) => `@${names.users?.get(id) ?? label ?? id}`,
    )
    .replace(
      /<!subteam\^([A-Z0-9]+)(?:\|@?([^>]*))?>/g,
      (_m, id: string, label?: string) => `@${names.usergroups?.get(id) ?? label ?? id}`,
    )
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(
      /<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_m, id: string, label?: string) => `#${names.channels?.get(id) ?? (label || id)}`,
    )
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Slack mrkdwn made readable in a terminal; code spans are kept as they are, backticks included. */
export function renderMrkdwn(text: string, { names = {}, ansi = false }: MrkdwnOptions = {}): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : renderEmphasis(renderReferences(part, names), ansi)))
    .join('');
}

export function renderBlocksAsText(
  blocks: unknown,
  {
    fallbackText = '',
    firstButton = 1,
    ...style
  }: { fallbackText?: string; firstButton?: number } & MrkdwnOptions = {},
): TextRendering {
  const plain = (text: string) => renderMrkdwn(text, style);
  const textOf = (v: unknown) => plain(str(asObject(v).text));
  const optionsOf = (element: Json) =>
    asArray(element.options).map((o) => ({ label: textOf(o.text), value: str(o.value) }));
  const lines: string[] = [];
  const buttons: TextButton[] = [];
  const inputs: TextInput[] = [];
  const addButton = (element: Json, blockId: string | undefined) => {
    const number = firstButton + buttons.length;
    const label = textOf(element.text);
    buttons.push({
      number,
      label,
      actionId: str(element.action_id),
      blockId,
      value: typeof element.value === 'string' ? element.value : undefined,
    });
    return `[${number}] ${label}`;
  };

  for (const block of asArray(blocks)) {
    const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
    switch (block.type) {
      case 'header':
        lines.push(`== ${textOf(block.text)} ==`);
        break;
      case 'section': {
        if (block.text) lines.push(textOf(block.text));
        for (const field of asArray(block.fields)) lines.push(`  ${plain(str(field.text))}`);
        const accessory = asObject(block.accessory);
        if (accessory.type === 'button') lines.push(`  ${addButton(accessory, blockId)}`);
        if (accessory.type === 'image') lines.push(`  [image: ${str(accessory.alt_text)}]`);
        break;
      }
      case 'divider':
        lines.push('----');
        break;
      case 'context':
        lines.push(
          asArray(block.elements)
            .map((e) => (e.type === 'image' ? `[${str(e.alt_text)}]` : plain(str(e.text))))
            .join('  '),
        );
        break;
      case 'actions': {
        const labels = asArray(block.elements)
          .filter((e) => e.type === 'button')
          .map((e) => addButton(e, blockId));
        if (labels.length > 0) lines.push(labels.join('  '));
        break;
      }
      case 'image':
        lines.push(`[image: ${str(block.alt_text)}${block.title ? ` — ${textOf(block.title)}` : ''}]`);
        break;
      case 'input': {
        const element = asObject(block.element);
        const label = textOf(block.label);
        inputs.push({
          blockId: blockId ?? '',
          actionId: str(element.action_id),
          label,
          elementType: str(element.type),
          optional: block.optional === true,
          options: optionsOf(element),
        });
        lines.push(`${label}: <${str(element.type)}>`);
        break;
      }
      default:
        if (block.type) lines.push(`(${str(block.type)})`);
    }
  }
  const text = lines.length > 0 ? lines.join('\n') : plain(fallbackText);
  return { text, buttons, inputs };
}
