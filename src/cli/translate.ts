import { Option, type Command } from 'commander';
import { loadTranslateSettings } from '../config.js';
import { BantoError } from '../errors.js';
import { createTranslator, type Formality, type Language } from '../services/translate/index.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerTranslateCommand(translate: Command): void {
  translate
    .argument('[text...]', 'the text; without it (or with -), stdin is read')
    .addOption(new Option('--to <language>', 'ja or en (default: the other of the two)').choices(['ja', 'en']))
    .addOption(
      new Option('--formality <formality>', 'DeepL formality (default: translate.formality, else prefer_more)').choices(
        ['default', 'more', 'less', 'prefer_more', 'prefer_less'],
      ),
    )
    .action(async (words: string[], options: { to?: Language; formality?: Formality }) => {
      const fromStdin = words.length === 0 || (words.length === 1 && words[0] === '-');
      if (fromStdin && process.stdin.isTTY)
        throw new BantoError('USAGE', 'give the text as arguments, or pipe it: banto translate < mail.txt');
      const text = fromStdin ? await readStdin() : words.join(' ');
      const translator = createTranslator(await loadTranslateSettings());
      const result = await translator.translate(text, options);
      process.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    });
}
