import type { Formality, TargetLanguageCode, Translator as DeeplTranslator } from 'deepl-node';
import { BantoError } from '../../errors.js';

export type Language = 'ja' | 'en';
export type { Formality };

export interface TranslateSettings {
  /** DEEPL_AUTH_KEY; without it every call fails with TRANSLATE_NOT_CONFIGURED. */
  authKey?: string | undefined;
  /** DEEPL_SERVER_URL: a fake on loopback in tests; else deepl-node picks the free or paid API by the key. */
  serverUrl?: string | undefined;
  formality: Formality;
  glossaries: { 'en-ja'?: string | undefined; 'ja-en'?: string | undefined };
}

export interface Translation {
  text: string;
  /** What DeepL detected, lower case (`en`, `ja`, `de`…). */
  from: string;
  to: Language;
}

export interface Translator {
  readonly configured: boolean;
  translate(
    text: string,
    options?: { to?: Language | undefined; formality?: Formality | undefined },
  ): Promise<Translation>;
}

/** DeepL takes 128 KiB a request; a person's message or a mail is far below this, so more is a mistake. */
const maxCharacters = 30_000;
const targetCode: Record<Language, TargetLanguageCode> = { ja: 'ja', en: 'en-US' };

/**
 * Japanese when the text has kana, or mostly kanji among its letters; else English. It only picks the default
 * target ("the other of the two"); DeepL detects the source itself, and a wrong guess is corrected by its answer.
 */
export function guessLanguage(text: string): Language {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return letters > 0 && han / letters >= 0.5 ? 'ja' : 'en';
}

async function loadDeepl() {
  return import('deepl-node');
}

/** DeepL's failures as errors with a stable code and one line a person can act on. */
function explain(error: unknown, deepl: Awaited<ReturnType<typeof loadDeepl>>, serverUrl: string): BantoError {
  if (error instanceof deepl.QuotaExceededError)
    return new BantoError('TRANSLATE_QUOTA', "DeepL's character quota for this billing period is used up");
  if (error instanceof deepl.AuthorizationError)
    return new BantoError('TRANSLATE_AUTH', 'DeepL refused the key: check DEEPL_AUTH_KEY');
  if (error instanceof deepl.TooManyRequestsError)
    return new BantoError('TRANSLATE_BUSY', 'DeepL is answering "too many requests"; try again in a minute');
  if (error instanceof deepl.ConnectionError)
    return new BantoError('TRANSLATE_UNREACHABLE', `could not reach DeepL at ${serverUrl}: ${error.message}`);
  if (error instanceof deepl.GlossaryNotFoundError)
    return new BantoError('TRANSLATE_GLOSSARY', 'DeepL does not know the glossary in translate.glossaries');
  return new BantoError('TRANSLATE_FAILED', `DeepL: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Translation between Japanese and English through the official deepl-node client, loaded at the first call.
 * Each request waits 10 s at most and is tried twice, about 1 s apart, when DeepL answers 429 or 5xx or the
 * connection fails (deepl-node's retry with maxRetries 2); quota and key errors are not retried.
 */
export function createTranslator(settings: TranslateSettings): Translator {
  let client: Promise<DeeplTranslator> | undefined;
  const connect = async () => {
    const deepl = await loadDeepl();
    return new deepl.Translator(settings.authKey ?? '', {
      serverUrl: settings.serverUrl,
      maxRetries: 2,
      minTimeout: 10_000,
      sendPlatformInfo: false,
      appInfo: { appName: 'banto', appVersion: '1' },
    });
  };

  async function once(text: string, to: Language, formality: Formality, source: Language): Promise<Translation> {
    const deepl = await loadDeepl();
    const glossary = source === to ? undefined : settings.glossaries[source === 'en' ? 'en-ja' : 'ja-en'];
    try {
      client ??= connect();
      const result = await (
        await client
      ).translateText(text, glossary ? source : null, targetCode[to], {
        ...(formality === 'default' ? {} : { formality }),
        ...(glossary ? { glossary } : {}),
      });
      return { text: result.text, from: result.detectedSourceLang.toLowerCase(), to };
    } catch (error) {
      throw explain(error, deepl, settings.serverUrl ?? 'api.deepl.com');
    }
  }

  return {
    configured: Boolean(settings.authKey),
    async translate(text, options = {}) {
      if (!settings.authKey)
        throw new BantoError('TRANSLATE_NOT_CONFIGURED', 'translation needs DEEPL_AUTH_KEY (a DeepL API key)');
      if (text.trim() === '') throw new BantoError('TRANSLATE_EMPTY', 'there is no text to translate');
      if (text.length > maxCharacters)
        throw new BantoError('TRANSLATE_TOO_LONG', `the text has ${text.length} characters; at most ${maxCharacters}`);
      const formality = options.formality ?? settings.formality;
      const source = guessLanguage(text);
      const to = options.to ?? (source === 'ja' ? 'en' : 'ja');
      const first = await once(text, to, formality, source);
      // The guess was wrong (a message already in the target language): the other language is what was meant.
      if (!options.to && first.from === to) return once(text, to === 'ja' ? 'en' : 'ja', formality, to);
      return first;
    },
  };
}
