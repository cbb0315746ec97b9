import { z } from 'zod';

// YAML `translate:`: how `banto translate` and the "Translate" shortcut call DeepL. The key is DEEPL_AUTH_KEY, never
// written in the file.

const glossaryId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "a DeepL glossary id, as DeepL's glossary list gives it");

export const translateSchema = z
  .strictObject({
    /** DeepL's formality for the target language; the prefer_ forms fall back quietly where a language has none. */
    formality: z.enum(['default', 'more', 'less', 'prefer_more', 'prefer_less']).default('prefer_more'),
    /** A glossary per direction; DeepL needs the source language named when one is used. */
    glossaries: z.strictObject({ 'en-ja': glossaryId.optional(), 'ja-en': glossaryId.optional() }).default({}),
  })
  .prefault({});

export type TranslateFileSettings = z.infer<typeof translateSchema>;
