import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatYen } from '../../src/views/format.js';
import { renderBlocksAsText, renderMrkdwn } from '../../src/views/text.js';

describe('Block Kit as terminal text', () => {
  it('renders headers, sections, fields and numbered buttons', () => {
    const out = renderBlocksAsText(
      [
        { type: 'header', text: { type: 'plain_text', text: '本日の決済' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'for <@U01EXEC> cc <!subteam^S0ONCALL|@oncall>' },
          fields: [{ type: 'mrkdwn', text: '*件数* 3' }],
        },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'b1',
          elements: [
            { type: 'button', action_id: 'run_now', text: { type: 'plain_text', text: 'Run now' }, value: 'prune' },
            { type: 'button', action_id: 'cancel', text: { type: 'plain_text', text: 'Cancel' } },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'see <https://example.com|the docs>' }] },
      ],
      { firstButton: 3 },
    );
    assert.equal(
      out.text,
      [
        '== 本日の決済 ==',
        'for @U01EXEC cc @oncall',
        '  件数 3',
        '----',
        '[3] Run now  [4] Cancel',
        'see the docs (https://example.com)',
      ].join('\n'),
    );
    assert.deepEqual(
      out.buttons.map((b) => [b.number, b.actionId, b.blockId, b.value]),
      [
        [3, 'run_now', 'b1', 'prune'],
        [4, 'cancel', 'b1', undefined],
      ],
    );
  });

  it('lists the inputs of a modal with their options, and falls back to the text', () => {
    const out = renderBlocksAsText([
      {
        type: 'input',
        block_id: 'who',
        label: { type: 'plain_text', text: 'Customer' },
        element: { type: 'plain_text_input', action_id: 'q' },
      },
      {
        type: 'input',
        block_id: 'mail',
        optional: true,
        label: { type: 'plain_text', text: 'Mail' },
        element: {
          type: 'static_select',
          action_id: 'pick',
          options: [{ text: { type: 'plain_text', text: 'Reminder' }, value: '7' }],
        },
      },
    ]);
    assert.deepEqual(out.inputs, [
      {
        blockId: 'who',
        actionId: 'q',
        label: 'Customer',
        elementType: 'plain_text_input',
        optional: false,
        options: [],
      },
      {
        blockId: 'mail',
        actionId: 'pick',
        label: 'Mail',
        elementType: 'static_select',
        optional: true,
        options: [{ label: 'Reminder', value: '7' }],
      },
    ]);
    assert.equal(renderBlocksAsText(undefined, { fallbackText: 'hi <#C0BILLING|billing>' }).text, 'hi #billing');
    assert.equal(renderMrkdwn('<!here> <#C0ALERTS>'), '@here #C0ALERTS');
  });

  it('renders mrkdwn for a terminal: bold, italics, links, people and channels by name, code as written', () => {
    const names = {
      users: new Map([['U01EXEC', 'sato']]),
      channels: new Map([['C0BILLING', 'billing']]),
      usergroups: new Map([['S0ONCALL', 'oncall']]),
    };
    const text =
      '*成功*: <@U01EXEC> in <#C0BILLING> cc <!subteam^S0ONCALL> — _see_ <https://example.com|docs> `0 */15 * * * *` a*b*c &lt;x&gt;';
    assert.equal(
      renderMrkdwn(text, { names }),
      '成功: @sato in #billing cc @oncall — see docs (https://example.com) `0 */15 * * * *` a*b*c <x>',
    );
    assert.equal(renderMrkdwn('*bold* and ~gone~', { ansi: true }), '\x1b[1mbold\x1b[22m and \x1b[9mgone\x1b[29m');
    assert.equal(renderMrkdwn('<@U09NOBODY> <#C09NONE>', { names }), '@U09NOBODY #C09NONE', 'unknown ids stay ids');
    assert.equal(
      renderMrkdwn('2 * 3 * 4 and snake_case_name'),
      '2 * 3 * 4 and snake_case_name',
      'no emphasis without a word to hold',
    );
  });

  it('shows money as ¥1,234,567', () => {
    assert.equal(formatYen(1234567), '¥1,234,567');
    assert.equal(formatYen(0), '¥0');
    assert.equal(formatYen(-980), '-¥980');
  });
});
