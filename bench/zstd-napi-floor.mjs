// `node bench/zstd-napi-floor.mjs FILE`: decompresses FILE through zstd-napi (the library Stasis uses) and drops the
// output — the floor for any reader built on that library, shown beside the zstd CLI's in the inspect benchmark.
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

const { DCtx } = createRequire(import.meta.url)('zstd-napi/binding.js');
const fd = openSync(process.argv[2], 'r');
const dctx = new DCtx();
const input = new Uint8Array(2 * 1024 * 1024);
const output = new Uint8Array(1024 * 1024);
const none = new Uint8Array(0);
for (;;) {
  const n = readSync(fd, input, 0, input.length, null);
  if (n === 0) break;
  let src = input.subarray(0, n);
  while (src.length > 0) src = src.subarray(dctx.decompressStream(output, src)[2]);
  while (dctx.decompressStream(output, none)[1] === output.length);
}
closeSync(fd);
