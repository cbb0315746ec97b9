import { BantoError } from '../../errors.js';
import { renderTranslation, renderTranslationProblem } from '../../views/translate.js';
import type { Handler, HandlerDeps } from '../define.js';

/**
 * The "Translate" message shortcut: the message's text, translated between Japanese and English, shown only to
 * the person who asked. DeepL's failures that a person can understand are said plainly; the rest reach the gate.
 */
export function createTranslateMessageShortcut({ translator, locale }: HandlerDeps): Handler<'shortcut', 'later'> {
  return async ({ shortcut, respond, context }) => {
    const text = shortcut.type === 'message_action' ? (shortcut.message.text ?? '') : '';
    try {
      const result = await translator.translate(text);
      context.auditResult = `${result.from} to ${result.to}, ${text.length} characters`;
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderTranslation(result, locale) });
    } catch (error) {
      if (!(error instanceof BantoError) || !error.code.startsWith('TRANSLATE_')) throw error;
      context.auditResult = error.code;
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: renderTranslationProblem(error.code, locale),
      });
    }
  };
}
