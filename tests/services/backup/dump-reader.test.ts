import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createDumpReader } from '../../../src/services/backup/dump-reader.js';

async function factsOf(dump: string, chunkSize: number) {
  const reader = createDumpReader();
  const bytes = Buffer.from(dump);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) =>
    bytes.subarray(i * chunkSize, (i + 1) * chunkSize),
  );
  let passed = 0;
  await pipeline(
    Readable.from(chunks),
    reader.stream,
    new Writable({
      write(chunk: Buffer, _e, done) {
        passed += chunk.length;
        done();
      },
    }),
  );
  assert.equal(passed, bytes.length, 'the dump passes through untouched');
  return reader.facts().map((t) => [t.name, t.rows]);
}

const mysqlStyle = [
  'CREATE TABLE `users` (',
  '  `id` int NOT NULL,',
  '  `note` text',
  ');',
  "INSERT INTO `users` VALUES (1,'it\\'s (not) a tuple'),(2,'back\\\\slash), ('),(3,'line\\nbreak; done'),(4,NULL),(5,0x00272829);",
  "INSERT INTO `users` VALUES (6,'山田 太郎 (ヤマダ)');",
  'CREATE TABLE `empty` (`id` int);',
  '',
].join('\n');

const mariadbStyle = [
  'CREATE TABLE `users` (',
  '  `id` int NOT NULL',
  ');',
  'INSERT INTO `users` VALUES',
  "(1,'a),(b'),",
  "(2,'c;d'),",
  "(3,'東京');",
  "-- INSERT INTO `users` VALUES (9,'a comment is not a row');",
  '',
].join('\n');

const mydumperStyle = ['INSERT INTO `users` VALUES', '(1,"a\\"),(b"),', '(2,"it\\\'s; (x)"),', '(3,NULL);', ''].join(
  '\n',
);

describe('reading a dump as it streams by', () => {
  it("counts mysqldump's one-line INSERTs, whatever the strings hold, however the stream is cut", async () => {
    for (const size of [1, 7, 64, 100_000])
      assert.deepEqual(
        await factsOf(mysqlStyle, size),
        [
          ['empty', 0],
          ['users', 6],
        ],
        `chunks of ${size} bytes`,
      );
  });

  it("counts mariadb-dump's tuple-a-line INSERTs and stops at the statement's end", async () => {
    for (const size of [1, 5, 100_000])
      assert.deepEqual(await factsOf(mariadbStyle, size), [['users', 3]], `chunks of ${size} bytes`);
  });

  it("counts mydumper's double-quoted strings", async () => {
    const reader = createDumpReader();
    reader.read(Buffer.from('CREATE TABLE `users` (\n  `id` int\n);\n'));
    reader.flush();
    reader.read(Buffer.from(mydumperStyle));
    reader.flush();
    assert.deepEqual(
      reader.facts().map((t) => [t.name, t.rows]),
      [['users', 3]],
    );
  });

  it('gives the same sample checksum for the same rows, and another when a row differs', async () => {
    const sample = async (dump: string) => {
      const reader = createDumpReader();
      await pipeline(
        Readable.from([Buffer.from(dump)]),
        reader.stream,
        new Writable({ write: (_c, _e, done) => done() }),
      );
      return reader.facts()[0]!.sample;
    };
    assert.equal(await sample(mariadbStyle), await sample(mariadbStyle));
    assert.notEqual(await sample(mariadbStyle), await sample(mariadbStyle.replace('東京', '大阪')));
  });
});
