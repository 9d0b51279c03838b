import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../shared/archive/errors';
import { isRawImageName } from '../../shared/criu/magic';
import { diffDecoders } from '../../test-support/decode-diff';
import { describeSystem } from '../../test-support/system';

// The plain decoder (shared/criu/plain-decode.ts) against protobufjs, the reference, on every image of the zdtm corpus
// (real CRIU dumps of CRIU's own test programs, built by ci/zdtm-corpus.sh and cached): identical entries or both refuse.

const ROOT = path.resolve(__dirname, '../..');

describeSystem('the plain decoder on every image of the zdtm corpus', ['root', 'criu'], () => {
  let corpus = '';

  beforeAll(() => {
    // Cached by CRIU version: seconds when present (the zdtm-corpus system test builds it the same way).
    const out = execFileSync('bash', [path.join(ROOT, 'ci/zdtm-corpus.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
    corpus = out.trim().split('\n').pop()!;
  }, 1_200_000);

  it('decodes every image both ways to the same entries', () => {
    const problems: string[] = [];
    let images = 0;
    let records = 0;
    for (const name of readdirSync(path.join(corpus, 'dumps'))) {
      const dir = path.join(corpus, 'dumps', name, 'images');
      for (const file of readdirSync(dir)) {
        if (!(file.endsWith('.img') || file.startsWith('stats-')) || isRawImageName(file)) continue;
        const r = diffDecoders(file, new Uint8Array(readFileSync(path.join(dir, file))), DEFAULT_LIMITS);
        problems.push(...r.problems.map((p) => `${name}/${p}`));
        images++;
        records += r.records;
      }
    }
    console.log(`plain decoder vs protobufjs: ${images} images, ${records} records of the zdtm corpus compared`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(images).toBeGreaterThan(1000);
  });
});
