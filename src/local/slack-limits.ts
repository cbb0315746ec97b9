/**
 * Slack's limits, checked the way Slack checks them (the emulator refuses a call
 * over them, as Slack does), written apart from the
 * code that fits views to them (src/views/slack-limits.ts) so that a rule the
 * fitter forgets shows up here. Returns one line per field over its limit.
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const length = (v: unknown) => (typeof v === 'string' ? [...v].length : 0);
const textOf = (v: unknown) => (isObject(v) ? v.text : undefined);

function over(problems: string[], path: string, value: unknown, max: number): void {
  if (length(value) > max) problems.push(`${path}: ${length(value)} characters, over ${max}`);
}

function checkElement(e: unknown, path: string, p: string[]): void {
  if (!isObject(e)) return;
  if (e.type === 'button') {
    over(p, `${path}.text`, textOf(e.text), 75);
    over(p, `${path}.value`, e.value, 2000);
  }
  over(p, `${path}.action_id`, e.action_id, 255);
  over(p, `${path}.initial_value`, e.initial_value, 3000);
  over(p, `${path}.placeholder`, textOf(e.placeholder), 150);
  const options = Array.isArray(e.options) ? e.options : [];
  if (options.length > 100) p.push(`${path}.options: ${options.length}, over 100`);
  options.forEach((o, i) => {
    over(p, `${path}.options[${i}].text`, textOf(isObject(o) ? o.text : undefined), 75);
    over(p, `${path}.options[${i}].value`, isObject(o) ? o.value : undefined, 150);
  });
}

function checkBlocks(blocks: unknown, max: number, path: string, p: string[]): void {
  if (!Array.isArray(blocks)) return;
  if (blocks.length > max) p.push(`${path}: ${blocks.length} blocks, over ${max}`);
  blocks.forEach((b, i) => {
    if (!isObject(b)) return;
    const at = `${path}[${i}]`;
    over(p, `${at}.block_id`, b.block_id, 255);
    if (b.type === 'section') {
      over(p, `${at}.text`, textOf(b.text), 3000);
      const fields = Array.isArray(b.fields) ? b.fields : [];
      if (fields.length > 10) p.push(`${at}.fields: ${fields.length}, over 10`);
      fields.forEach((f, j) => over(p, `${at}.fields[${j}]`, textOf(f), 2000));
      checkElement(b.accessory, `${at}.accessory`, p);
    }
    if (b.type === 'header') over(p, `${at}.text`, textOf(b.text), 150);
    if (b.type === 'context') {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length > 10) p.push(`${at}.elements: ${elements.length}, over 10`);
      elements.forEach((e, j) => over(p, `${at}.elements[${j}]`, textOf(e), 2000));
    }
    if (b.type === 'actions') {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length > 25) p.push(`${at}.elements: ${elements.length}, over 25`);
      elements.forEach((e, j) => checkElement(e, `${at}.elements[${j}]`, p));
    }
    if (b.type === 'input') {
      over(p, `${at}.label`, textOf(b.label), 2000);
      over(p, `${at}.hint`, textOf(b.hint), 2000);
      checkElement(b.element, `${at}.element`, p);
    }
  });
}

function checkView(view: Json, path: string, p: string[]): void {
  over(p, `${path}.title`, textOf(view.title), 24);
  over(p, `${path}.submit`, textOf(view.submit), 24);
  over(p, `${path}.close`, textOf(view.close), 24);
  over(p, `${path}.private_metadata`, view.private_metadata, 3000);
  over(p, `${path}.callback_id`, view.callback_id, 255);
  checkBlocks(view.blocks, 100, `${path}.blocks`, p);
}

/** A message, a modal, or an ack/response that carries one. */
export function slackLimitProblems(payload: unknown): string[] {
  const p: string[] = [];
  if (!isObject(payload)) return p;
  if (payload.type === 'modal' || payload.type === 'home') {
    checkView(payload, 'view', p);
    return p;
  }
  if (isObject(payload.view)) checkView(payload.view, 'view', p);
  over(p, 'text', payload.text, 40_000);
  checkBlocks(payload.blocks, 50, 'blocks', p);
  return p;
}
