import Mustache from 'mustache';

/** A declared template parameter; the sample is shown in previews, used by test sends and fixes the value's type. */
export interface TemplateParam {
  name: string;
  sample: ParamValue;
  description?: string | undefined;
}

export type ParamValue = string | number | boolean | Record<string, unknown>[];
export type Params = Record<string, unknown>;

/** A template's three parts, and a mail rendered from them. */
export interface TemplateBody {
  subject: string;
  text: string;
  html: string;
}

const kindOf = (value: unknown): string => (Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value);
const noEscape = { escape: (value: unknown) => String(value) };

/** Everything wrong with `params` for a template that declares `declared`, each problem naming the parameter. */
export function checkParams(declared: readonly TemplateParam[], params: Params): string[] {
  const problems: string[] = [];
  const names = new Set(declared.map((p) => p.name));
  for (const param of declared) {
    if (!(param.name in params) || params[param.name] === undefined) {
      problems.push(`params.${param.name}: missing (for example ${JSON.stringify(param.sample)})`);
      continue;
    }
    const want = kindOf(param.sample);
    const got = kindOf(params[param.name]);
    // A number may stand where text is expected: ids and amounts arrive both ways.
    if (want !== got && !(want === 'string' && got === 'number'))
      problems.push(`params.${param.name}: expected a ${want}, got a ${got}`);
  }
  for (const name of Object.keys(params)) {
    if (!names.has(name))
      problems.push(`params.${name}: unknown parameter (this template takes ${[...names].join(', ') || 'none'})`);
  }
  return problems;
}

/** The sample values, as the preview and a test send use them. */
export function sampleParams(declared: readonly TemplateParam[]): Params {
  return Object.fromEntries(declared.map((p) => [p.name, p.sample]));
}

/** The top-level names a template body refers to (inside a section, names belong to the list's items). */
export function referencedNames(body: string): string[] {
  const names = new Set<string>();
  for (const token of Mustache.parse(body)) {
    const [type, value] = token;
    if (['name', '&', '#', '^'].includes(type) && value !== '.') names.add(value.split('.')[0] ?? value);
  }
  return [...names];
}

/** Subject and text are plain text; only the HTML part escapes parameter values. */
export function renderMail(body: TemplateBody, params: Params): TemplateBody {
  return {
    subject: Mustache.render(body.subject, params, undefined, noEscape)
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
    text: Mustache.render(body.text, params, undefined, noEscape),
    html: Mustache.render(body.html, params),
  };
}
