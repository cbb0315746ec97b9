import type { KnownBlock } from '@slack/types';
import type { Translation } from '../services/translate/index.js';
import { messageView, sectionBlock, type MessageView } from './message.js';
import type { Locale } from './messages.js';
import { slackLimits } from './slack-limits.js';

const languageNames: Record<Locale, Record<string, string>> = {
  ja: { ja: '日本語', en: '英語', zh: '中国語', ko: '韓国語', de: 'ドイツ語', fr: 'フランス語', es: 'スペイン語' },
  en: { ja: 'Japanese', en: 'English', zh: 'Chinese', ko: 'Korean', de: 'German', fr: 'French', es: 'Spanish' },
};
const nameOf = (code: string, locale: Locale) => languageNames[locale][code] ?? code.toUpperCase();

/** The sentences of translation; `en` has every key of `ja`. */
const ja = {
  heading: (from: string, to: string) => `:globe_with_meridians: ${from}から${to}への翻訳 (DeepL、あなたにだけ表示)`,
  notConfigured: '翻訳は設定されていません (DEEPL_AUTH_KEY)。エンジニアに依頼してください。',
  empty: 'このメッセージには翻訳できる本文がありません。',
  tooLong: 'このメッセージは長すぎて翻訳できません。',
  quota: '今月の DeepL の翻訳文字数を使い切りました。エンジニアに連絡してください。',
  unavailable: 'DeepL に接続できませんでした。少し待ってからもう一度お試しください。',
  failed: (code: string) => `翻訳できませんでした (${code})。監査ログに記録されています。`,
};
type TranslateMessages = typeof ja;
const en: TranslateMessages = {
  heading: (from, to) => `:globe_with_meridians: ${from} to ${to}, by DeepL (only you can see this)`,
  notConfigured: 'Translation is not set up (DEEPL_AUTH_KEY). Ask an engineer.',
  empty: 'This message has no text to translate.',
  tooLong: 'This message is too long to translate.',
  quota: "DeepL's translation quota for this month is used up. Tell an engineer.",
  unavailable: 'DeepL could not be reached. Try again in a moment.',
  failed: (code) => `The translation failed (${code}). It is in the audit log.`,
};
const catalogue: Record<Locale, TranslateMessages> = { ja, en };

/** The translation for the person who asked: a heading, then the text in as many sections as it needs. */
export function renderTranslation(result: Translation, locale: Locale): MessageView {
  const heading = catalogue[locale].heading(nameOf(result.from, locale), nameOf(result.to, locale));
  const size = slackLimits.sectionText - 100;
  const blocks: KnownBlock[] = [{ type: 'context', elements: [{ type: 'mrkdwn', text: heading }] }];
  const characters = Array.from(result.text);
  for (let at = 0; at < characters.length; at += size)
    blocks.push(sectionBlock(characters.slice(at, at + size).join('')));
  return messageView(result.text, blocks);
}

/** What the person is told when the translation could not be made, by the error's code. */
export function renderTranslationProblem(code: string, locale: Locale): string {
  const m = catalogue[locale];
  const known: Record<string, string> = {
    TRANSLATE_NOT_CONFIGURED: m.notConfigured,
    TRANSLATE_EMPTY: m.empty,
    TRANSLATE_TOO_LONG: m.tooLong,
    TRANSLATE_QUOTA: m.quota,
    TRANSLATE_UNREACHABLE: m.unavailable,
    TRANSLATE_BUSY: m.unavailable,
  };
  return known[code] ?? m.failed(code);
}
