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

/** Slack's markup for mentions and links, made readable. */
export function plainMrkdwn(text: string): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)>/g, '@$1')
    .replace(/<!subteam\^([A-Z0-9]+)(\|[^>]*)?>/g, '@$1')
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<#([CG][A-Z0-9]+)(\|([^>]*))?>/g, (_m, id: string, _p, name?: string) => `#${name ?? id}`)
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<([^>]+)>/g, '$1');
}

const textOf = (v: unknown) => plainMrkdwn(str(asObject(v).text));

function optionsOf(element: Json) {
  return asArray(element.options).map((o) => ({ label: textOf(o.text), value: str(o.value) }));
}

export function renderBlocksAsText(blocks: unknown, { fallbackText = '', firstButton = 1 } = {}): TextRendering {
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
        for (const field of asArray(block.fields)) lines.push(`  ${plainMrkdwn(str(field.text))}`);
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
            .map((e) => (e.type === 'image' ? `[${str(e.alt_text)}]` : plainMrkdwn(str(e.text))))
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
  const text = lines.length > 0 ? lines.join('\n') : plainMrkdwn(fallbackText);
  return { text, buttons, inputs };
}
