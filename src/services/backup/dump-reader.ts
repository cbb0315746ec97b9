import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TableFacts } from './manifest.js';

const sampleRows = 100;
const insertPrefix = Buffer.from('INSERT INTO `');
const createPrefix = Buffer.from('CREATE TABLE `');
const [quote, doubleQuote, backslash, open, close, comma, semicolon, newline] = [
  0x27, 0x22, 0x5c, 0x28, 0x29, 0x2c, 0x3b, 0x0a,
];

interface Tally {
  rows: number;
  sampled: number;
  hash: Hash;
}

/**
 * Reads a mysqldump/mariadb-dump stream as it passes through, untouched: the tables it creates, the rows of
 * each (the tuples of its extended INSERT lines, quotes and escapes respected) and a sha256 of the first 100
 * rows as the dump writes them. A dump of a restored copy by the same tool gives the same facts, which is how a
 * restore is verified. Lines are split on bytes: a newline never occurs inside a UTF-8 sequence, and the dump
 * escapes those inside strings.
 */
export function createDumpReader(onTable?: (name: string, count: number) => void) {
  const tables = new Map<string, Tally>();
  let pending: Buffer | undefined;
  let bytes = 0;

  // The table whose INSERT is being read: mysqldump writes its tuples on the INSERT's line, mariadb-dump one a
  // line after it; either way the statement ends at a `;` outside a tuple, and no tuple spans two lines.
  let inserting: Tally | undefined;

  const readTuples = (line: Buffer, from: number, tally: Tally) => {
    let depth = 0;
    // The quote that opened the string being read: mysqldump writes '…', mydumper 0.10 "…"; both escape with \.
    let inString = 0;
    let start = 0;
    for (let i = from; i < line.length; i++) {
      const b = line[i]!;
      if (inString) {
        if (b === backslash) i++;
        else if (b === inString) inString = 0;
      } else if (b === quote || b === doubleQuote) inString = b;
      else if (b === open) {
        if (depth++ === 0) start = i;
      } else if (b === close) {
        if (--depth === 0) {
          tally.rows++;
          if (tally.sampled < sampleRows) {
            tally.sampled++;
            tally.hash.update(line.subarray(start, i + 1));
          }
        }
      } else if (b === semicolon && depth === 0) {
        inserting = undefined;
        return;
      }
    }
  };

  const readLine = (line: Buffer) => {
    if (inserting) {
      // mariadb-dump and mydumper write one tuple a line, `(…),` or `(…);` (a newline inside a string is written
      // as \n): such a line is counted without reading it byte by byte.
      const last = line[line.length - 1];
      if (line[0] === open && line[line.length - 2] === close && (last === comma || last === semicolon)) {
        const tally = inserting;
        tally.rows++;
        if (tally.sampled < sampleRows) {
          tally.sampled++;
          tally.hash.update(line.subarray(0, line.length - 1));
        }
        if (last === semicolon) inserting = undefined;
        return;
      }
      return readTuples(line, 0, inserting);
    }
    if (line.subarray(0, createPrefix.length).equals(createPrefix)) {
      const name = line.toString('utf8', createPrefix.length, line.indexOf(0x60, createPrefix.length));
      tables.set(name, { rows: 0, sampled: 0, hash: createHash('sha256') });
      onTable?.(name, tables.size);
      return;
    }
    if (!line.subarray(0, insertPrefix.length).equals(insertPrefix)) return;
    const nameEnd = line.indexOf(0x60, insertPrefix.length);
    const tally = tables.get(line.toString('utf8', insertPrefix.length, nameEnd));
    const values = line.indexOf(' VALUES', nameEnd);
    if (!tally || values === -1) return;
    inserting = tally;
    readTuples(line, values + 7, tally);
  };

  /** Reads a chunk of dump text: lines are cut wherever the chunk ends and joined with the next. */
  const read = (chunk: Buffer) => {
    bytes += chunk.length;
    const data = pending ? Buffer.concat([pending, chunk]) : chunk;
    let from = 0;
    for (let at = data.indexOf(newline); at !== -1; at = data.indexOf(newline, from)) {
      readLine(data.subarray(from, at));
      from = at + 1;
    }
    pending = from < data.length ? Buffer.from(data.subarray(from)) : undefined;
  };
  /** The end of one dump file: its last line, if it had no newline. */
  const flush = () => {
    if (pending) readLine(pending);
    pending = undefined;
    inserting = undefined;
  };

  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read(chunk);
      done(null, chunk);
    },
    flush(done) {
      flush();
      done();
    },
  });

  return {
    stream,
    read,
    flush,
    /** Bytes of dump read so far (uncompressed). */
    bytes: () => bytes,
    facts: (): TableFacts[] =>
      [...tables.entries()]
        .map(([name, t]) => ({ name, rows: t.rows, sample: t.hash.copy().digest('hex') }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
