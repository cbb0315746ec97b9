import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackBodyKind } from './slack-body.js';

/** Why the edge answered a request itself: no handler answered in time, or Bolt failed before anyone did. */
export type UnansweredReason = 'late' | 'failed';

export interface DeliverOptions {
  logger: Logger;
  /** After this long with no ack, the edge acks (Slack shows its own error at 3 s). */
  ackDeadlineMs: number;
  /** The ack the edge sends for a request nobody answered: an ephemeral text, a modal update, or nothing. */
  unanswered(kind: SlackBodyKind, reason: UnansweredReason): unknown;
}

type Send = ReceiverEvent['ack'];
type Body = ReceiverEvent['body'];

/** Which request a log line is about: who sent what (the shape was checked, so these fields are where it says). */
function aboutRequest(body: Body, kind: SlackBodyKind) {
  const user = (body.user_id ?? body.user?.id) as string | undefined;
  const what = (body.command ??
    body.actions?.[0]?.action_id ??
    body.view?.callback_id ??
    body.callback_id ??
    body.event?.type) as string | undefined;
  return { kind, user, what };
}

/** One request's acknowledgement: the first answer goes to Slack, later ones are dropped with a warning. */
class OneAck {
  done = false;
  constructor(
    private readonly send: Send,
    private readonly logger: Logger,
  ) {}

  readonly ack = (response?: unknown): Promise<void> => {
    if (this.done) {
      this.logger.warn('an answer came after the request was acknowledged; it was dropped');
      return Promise.resolve();
    }
    this.done = true;
    return this.send(response);
  };
}

function answerLate(one: OneAck, options: DeliverOptions, kind: SlackBodyKind, body: Body): void {
  if (one.done) return;
  const request = aboutRequest(body, kind);
  options.logger.warn({ request, deadlineMs: options.ackDeadlineMs }, 'no answer within the deadline; acknowledged');
  one
    .ack(options.unanswered(kind, 'late'))
    .catch((error: unknown) => options.logger.error({ err: error }, 'ack failed'));
}

/**
 * Hands a checked request to Bolt and makes sure Slack gets exactly one ack
 * for it, in time: whatever a handler does (throws before acking, hangs on a
 * database that went away, acks twice), Slack hears an answer before its 3-s
 * limit and nothing escapes as an unhandled rejection. Used by both receivers.
 */
export async function deliverToBolt(
  app: App,
  event: ReceiverEvent,
  kind: SlackBodyKind,
  options: DeliverOptions,
): Promise<void> {
  const one = new OneAck(event.ack, options.logger);
  const deadline = setTimeout(answerLate, options.ackDeadlineMs, one, options, kind, event.body);
  let failed = false;
  try {
    await app.processEvent({ ...event, ack: one.ack });
  } catch (error) {
    failed = true;
    options.logger.error({ err: error, request: aboutRequest(event.body, kind) }, 'Bolt failed to process a request');
  } finally {
    clearTimeout(deadline);
  }
  // Nothing listened (a view closing, an option load) or Bolt failed: a clear ack now rather than Slack's timeout.
  if (!one.done) {
    await one
      .ack(failed ? options.unanswered(kind, 'failed') : undefined)
      .catch((error: unknown) => options.logger.error({ err: error }, 'ack failed'));
  }
}
