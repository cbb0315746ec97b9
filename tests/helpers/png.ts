import assert from 'node:assert/strict';

/** The size of the PNG inside an uploaded body (the emulator keeps the multipart form as it came). */
export function pngSize(body: Buffer): { width: number; height: number } {
  const at = body.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  assert.ok(at >= 0, 'a PNG signature');
  assert.equal(body.subarray(at + 12, at + 16).toString('latin1'), 'IHDR');
  return { width: body.readUInt32BE(at + 16), height: body.readUInt32BE(at + 20) };
}
