import { z } from 'zod';

/**
 * The shapes Slack sends, checked before Bolt sees a body. Only what Banto and
 * Bolt read is required; everything else passes through (Slack adds fields
 * without notice). A body that fails here is not from Slack as documented, so
 * it gets a 400 (or, over Socket Mode, a bare ack) and nothing runs.
 */
const slackId = z.string().min(1).max(255);
const user = z.looseObject({ id: slackId });
const optionalText = z.string().optional();

// Slack sends every command with a response_url and a trigger_id; handlers rely on both.
const command = z.looseObject({
  command: z.string().regex(/^\/\S{1,64}$/),
  text: z.string(),
  user_id: slackId,
  channel_id: slackId,
  trigger_id: z.string().min(1),
  response_url: z.url({ protocol: /^https?$/ }),
});

const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user,
  // A button's value is a string of at most 2,000 characters (Block Kit); an object there is not from Slack.
  actions: z
    .array(z.looseObject({ action_id: z.string().min(1).max(255), value: z.string().max(2000).optional() }))
    .min(1),
  trigger_id: optionalText,
  response_url: optionalText,
});

const viewState = z.looseObject({
  values: z.record(z.string(), z.record(z.string(), z.looseObject({}))),
});

const viewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user,
  view: z.looseObject({
    callback_id: z.string().max(255),
    private_metadata: optionalText,
    state: viewState,
  }),
});

const viewClosed = z.looseObject({
  type: z.literal('view_closed'),
  user,
  view: z.looseObject({ callback_id: z.string().max(255) }),
});

const shortcut = z.looseObject({
  type: z.enum(['shortcut', 'message_action']),
  callback_id: z.string().min(1).max(255),
  user,
  trigger_id: z.string(),
});

const blockSuggestion = z.looseObject({ type: z.literal('block_suggestion'), user, action_id: z.string() });

const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  event: z.looseObject({ type: z.string().min(1) }),
});

const interactive = z.discriminatedUnion('type', [
  blockActions,
  viewSubmission,
  viewClosed,
  shortcut,
  blockSuggestion,
  eventCallback,
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string() }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);

/** What a checked body is: a slash command, or the `type` Slack gave it. */
export type SlackBodyKind = 'command' | z.infer<typeof interactive>['type'];

/** On success, `body` is zod's copy of the input: a plain object, whatever prototype the input had. */
export type CheckedBody =
  { ok: true; kind: SlackBodyKind; body: Record<string, unknown> } | { ok: false; reason: string };

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not a Slack request';
  const message = issue.message.endsWith('received undefined') ? 'missing' : issue.message;
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${message}` : message;
}

/** Checks a parsed body (a command's form fields, or the JSON of an interaction or event). */
export function checkSlackBody(body: unknown): CheckedBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'the body is not an object' };
  }
  if ('command' in body) {
    const parsed = command.safeParse(body);
    return parsed.success
      ? { ok: true, kind: 'command', body: parsed.data }
      : { ok: false, reason: firstIssue(parsed.error) };
  }
  const parsed = interactive.safeParse(body);
  return parsed.success
    ? { ok: true, kind: parsed.data.type, body: parsed.data }
    : { ok: false, reason: firstIssue(parsed.error) };
}
