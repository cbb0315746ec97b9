/**
 * Slack's documented limits (Block Kit reference, chat.postMessage, views.open)
 * and one pass that cuts a payload down to them. Slack rejects a call with an
 * oversized field (`invalid_blocks`), so the person would see nothing; cut with
 * an ellipsis, they see most of it. Every renderer's output passes through
 * `fitToSlack` (views/index of renderers: tests/views/limits.test.ts).
 */
export const slackLimits = {
  messageText: 40_000,
  messageBlocks: 50,
  modalBlocks: 100,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  headerText: 150,
  contextText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  initialValue: 3000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  options: 100,
} as const;

const ellipsis = '…';

/** Cuts `text` to `max` characters, the last one an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + ellipsis;
}

/** Escapes what Slack reads as markup (`&`, `<`, `>`), for text a person typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What a person typed, shown back to them: short, on one line, and never read as markup or a mention. */
export function echoInput(text: string, max = 80): string {
  return escapeMrkdwn(clip(text.replace(/\s+/g, ' ').trim(), max));
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fitText(value: unknown, max: number): unknown {
  if (!isObject(value) || typeof value.text !== 'string') return value;
  return [...value.text].length <= max ? value : { ...value, text: clip(value.text, max) };
}

function fitString(value: unknown, max: number): unknown {
  return typeof value === 'string' ? clip(value, max) : value;
}

function fitOption(option: unknown): unknown {
  if (!isObject(option)) return option;
  return {
    ...option,
    text: fitText(option.text, slackLimits.optionText),
    value: fitString(option.value, slackLimits.optionValue),
  };
}

function fitElement(element: unknown): unknown {
  if (!isObject(element)) return element;
  const fitted: Json = { ...element };
  if (element.type === 'button') {
    fitted.text = fitText(element.text, slackLimits.buttonText);
    fitted.value = fitString(element.value, slackLimits.buttonValue);
  }
  if (element.type === 'plain_text_input')
    fitted.initial_value = fitString(element.initial_value, slackLimits.initialValue);
  if ('placeholder' in element) fitted.placeholder = fitText(element.placeholder, slackLimits.placeholder);
  if (Array.isArray(element.options)) fitted.options = element.options.slice(0, slackLimits.options).map(fitOption);
  if ('initial_option' in element) fitted.initial_option = fitOption(element.initial_option);
  for (const key of Object.keys(fitted)) if (fitted[key] === undefined) delete fitted[key];
  return fitted;
}

function fitBlock(block: unknown): unknown {
  if (!isObject(block)) return block;
  const fitted: Json = { ...block };
  switch (block.type) {
    case 'section':
      if ('text' in block) fitted.text = fitText(block.text, slackLimits.sectionText);
      if (Array.isArray(block.fields))
        fitted.fields = block.fields
          .slice(0, slackLimits.sectionFields)
          .map((f) => fitText(f, slackLimits.sectionField));
      if ('accessory' in block) fitted.accessory = fitElement(block.accessory);
      break;
    case 'header':
      fitted.text = fitText(block.text, slackLimits.headerText);
      break;
    case 'context':
      if (Array.isArray(block.elements))
        fitted.elements = block.elements
          .slice(0, slackLimits.contextElements)
          .map((e) => fitText(e, slackLimits.contextText));
      break;
    case 'actions':
      if (Array.isArray(block.elements))
        fitted.elements = block.elements.slice(0, slackLimits.actionsElements).map(fitElement);
      break;
    case 'input':
      fitted.label = fitText(block.label, slackLimits.inputLabel);
      if ('hint' in block) fitted.hint = fitText(block.hint, slackLimits.inputHint);
      fitted.element = fitElement(block.element);
      break;
  }
  return fitted;
}

function fitBlocks(blocks: unknown, max: number): unknown {
  return Array.isArray(blocks) ? blocks.slice(0, max).map(fitBlock) : blocks;
}

function fitModal(view: Json): Json {
  const fitted: Json = { ...view, blocks: fitBlocks(view.blocks, slackLimits.modalBlocks) };
  fitted.title = fitText(view.title, slackLimits.modalTitle);
  if ('submit' in view) fitted.submit = fitText(view.submit, slackLimits.modalButton);
  if ('close' in view) fitted.close = fitText(view.close, slackLimits.modalButton);
  if (typeof view.private_metadata === 'string')
    fitted.private_metadata = view.private_metadata.slice(0, slackLimits.privateMetadata);
  return fitted;
}

/**
 * Cuts a message (`{text, blocks}`), a modal view, or an ack that carries one
 * (`{response_action, view}`) to Slack's limits. What already fits comes back
 * equal; the input is not changed.
 */
export function fitToSlack<T>(payload: T): T {
  if (!isObject(payload)) return payload;
  if (payload.type === 'modal' || payload.type === 'home') return fitModal(payload) as T;
  const fitted: Json = { ...payload };
  if (isObject(payload.view)) fitted.view = fitModal(payload.view);
  if (typeof payload.text === 'string') fitted.text = clip(payload.text, slackLimits.messageText);
  if ('blocks' in payload) fitted.blocks = fitBlocks(payload.blocks, slackLimits.messageBlocks);
  return fitted as T;
}
