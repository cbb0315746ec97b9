import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../src/logger.js';

function capture(pretty: boolean) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const logger = createLogger('info', stream, { pretty });
  return { logger, text: () => text };
}

describe('log lines', () => {
  it('are one JSON object per line for machines', () => {
    const { logger, text } = capture(false);
    logger.info({ mode: 'local', token: 'xoxb-secret' }, 'ready');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    assert.equal(line.msg, 'ready');
    assert.equal(line.mode, 'local');
    assert.equal(line.token, '[redacted]');
  });

  it('are one readable line each in a terminal, with the same redaction', () => {
    const { logger, text } = capture(true);
    logger.warn({ appToken: 'xapp-secret', waitMs: 10 }, 'Slack has not answered yet');
    // eslint-disable-next-line no-control-regex -- the colours a terminal shows
    const out = text().replace(/\x1b\[\d+m/g, '');
    assert.match(out, /WARN.*Slack has not answered yet/);
    assert.match(out, /waitMs: 10/);
    assert.ok(!out.includes('xapp-secret'));
    assert.throws(() => JSON.parse(out));
  });
});
