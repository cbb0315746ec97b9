import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { deliverToBolt, type DeliverOptions } from './deliver.js';
import { checkSlackBody } from './slack-body.js';

/**
 * Puts the edge's checks in front of a receiver that parses its own
 * transport (Bolt's SocketModeReceiver): each envelope's payload is checked
 * before Bolt sees it, a payload that is not what Slack sends is acknowledged
 * bare and runs nothing, and every other one gets exactly one ack in time.
 */
export class GuardedReceiver implements Receiver {
  constructor(
    private readonly inner: Receiver,
    private readonly options: DeliverOptions,
  ) {}

  init(app: App): void {
    // The inner receiver only ever calls processEvent on the app it is given.
    const guarded = { processEvent: (event: ReceiverEvent) => this.process(app, event) };
    this.inner.init(guarded as unknown as App);
  }

  start(...args: unknown[]): Promise<unknown> {
    return this.inner.start(...args);
  }

  stop(...args: unknown[]): Promise<unknown> {
    return this.inner.stop(...args);
  }

  private async process(app: App, event: ReceiverEvent): Promise<void> {
    const checked = checkSlackBody(event.body);
    if (!checked.ok) {
      this.options.logger.warn({ reason: checked.reason }, 'an envelope that is not what Slack sends; acknowledged');
      return event.ack();
    }
    return deliverToBolt(app, { ...event, body: checked.body as ReceiverEvent['body'] }, checked.kind, this.options);
  }
}
