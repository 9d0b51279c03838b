import { Worker } from 'node:worker_threads';
import type { SkippingSource } from '../../shared/archive/byte-reader';
import { CorruptImageError } from '../../shared/archive/errors';
import type { Idle } from '../../shared/archive/source';

// zstd decompression of a whole archive file in a worker thread, so decompressing (about half of `stasis inspect`'s
// CPU on a checkpoint of hundreds of processes) runs on one core while the main thread decodes images on another.
// Output goes through a ring of slots in one SharedArrayBuffer: no copies, no allocation per chunk, and the worker
// stops when the ring is full, so memory stays bounded however far ahead it could run. The reader can also have it
// skip: bytes before a position the main thread sets (page data no view needs) are decompressed and dropped in the
// worker, never handed over, so the worker runs through them at full speed whatever the main thread is doing.

const SLOT = 1024 * 1024;
const SLOTS = 4;
const IN_CHUNK = 2 * 1024 * 1024;
const ERROR_BYTES = 1024;

// Int32 words of the control block.
const WRITTEN = 0; // slots filled so far (worker)
const RELEASED = 1; // slots handed back so far (main); also bumped to wake the worker on stop
const EVENTS = 2; // bumped by the worker on every chunk and on finishing: what the main thread waits on
const STATE = 3; // RUNNING, DONE, or an error kind
const STOP = 4; // main: stop early (the tar ended, or reading failed)
const ERROR_LEN = 5;
const LENGTHS = 8; // SLOTS words: where each slot's bytes end
const FIRSTS = LENGTHS + SLOTS; // SLOTS words: where they start (bytes before a skip target are left in place, not moved)
const CONTROL_WORDS = FIRSTS + SLOTS;
// BigInt64 words after the control block (stream positions exceed 2^32): the skip target (main), the stream's length
// (worker, on finishing) and each slot's position in the decompressed stream (worker, written before it is published).
const POSITIONS_AT = CONTROL_WORDS * 4; // a multiple of 8
const SKIP_TO = 0;
const TOTAL = 1;
const DROPPED = 2; // bytes of raw blocks never read (worker)
const STARTS = 3;
const POSITIONS = STARTS + SLOTS;
const ERROR_AT = POSITIONS_AT + 8 * POSITIONS;
const DATA_AT = ERROR_AT + ERROR_BYTES;

const RUNNING = 0;
const DONE = 1;
const CORRUPT = 2;
const TRUNCATED = 3;
const FAILED = 4;

// The worker's code, as a CommonJS script (eval: true): the CLI is a bundle of chunks and the Electron main process a
// single file, and neither has a worker file of its own to point at. It gets the binding's resolved path, not its
// name, because an eval'd script resolves packages from the working directory.
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { file, binding, shared, constants: K } = workerData;
const ctrl = new Int32Array(shared, 0, K.CONTROL_WORDS);
const positions = new BigInt64Array(shared, K.POSITIONS_AT, K.POSITIONS);
const data = new Uint8Array(shared, K.DATA_AT);
const errorBytes = new Uint8Array(shared, K.ERROR_AT, K.ERROR_BYTES);
const none = new Uint8Array(0);
const ZSTD_MAGIC = 0xfd2fb528;
const MAX_BLOCK = 131072;
const MAX_QUEUED = 65536;
function finish(state, message) {
  if (message) {
    const bytes = Buffer.from(String(message)).subarray(0, K.ERROR_BYTES);
    errorBytes.set(bytes);
    Atomics.store(ctrl, K.ERROR_LEN, bytes.length);
  }
  Atomics.store(positions, K.TOTAL, BigInt(produced + fill));
  Atomics.store(ctrl, K.STATE, state);
  Atomics.add(ctrl, K.EVENTS, 1);
  Atomics.notify(ctrl, K.EVENTS);
}
let written = 0;
let lookahead = null;
// Waits for a free slot; false when the main thread asked to stop.
function slotFree() {
  for (;;) {
    if (Atomics.load(ctrl, K.STOP)) return false;
    const released = Atomics.load(ctrl, K.RELEASED);
    if (written - released < K.SLOTS) return true;
    // The ring is full: time to read block headers ahead (which blocks may be dropped) rather than sleep.
    if (lookahead && lookahead()) continue;
    Atomics.wait(ctrl, K.RELEASED, released);
  }
}
// Stream position of the current slot's first byte, and how much of the slot is filled.
let produced = 0;
let fill = 0;
function slot() {
  const at = (written % K.SLOTS) * K.SLOT;
  return data.subarray(at, at + K.SLOT);
}
function publish() {
  const start = produced;
  const length = fill;
  produced += length;
  fill = 0;
  // What lies before the skip target is dropped here: an all-skipped slot is not published (the next output reuses it).
  const skip = Math.min(length, Math.max(0, Number(Atomics.load(positions, K.SKIP_TO)) - start));
  if (skip === length) return;
  Atomics.store(positions, K.STARTS + (written % K.SLOTS), BigInt(start + skip));
  Atomics.store(ctrl, K.FIRSTS + (written % K.SLOTS), skip);
  Atomics.store(ctrl, K.LENGTHS + (written % K.SLOTS), length);
  written++;
  Atomics.store(ctrl, K.WRITTEN, written);
  Atomics.add(ctrl, K.EVENTS, 1);
  Atomics.notify(ctrl, K.EVENTS);
}

let fd;
let dctx;
let lastRet = 0;
class Corrupt { constructor(err) { this.message = err && err.message; } }
// Whether the decoder may hold output it had no room for. zstd counts calls that make no progress and fails after a
// few, so drain() asks only when this is set.
let mayHold = false;
function step(src) {
  let r;
  try {
    r = dctx.decompressStream(slot().subarray(fill), src);
  } catch (err) {
    throw new Corrupt(err);
  }
  mayHold = r[1] === K.SLOT - fill;
  return r;
}
// Decompresses src completely; false when the main thread asked to stop.
function feed(src) {
  while (src.length > 0) {
    if (fill === 0 && !slotFree()) return false;
    const r = step(src);
    lastRet = r[0];
    src = src.subarray(r[2]);
    fill += r[1];
    if (fill === K.SLOT) publish();
    if (r[1] === 0 && r[2] === 0) break;
  }
  return true;
}
// Takes out what the decoder still holds for input already given.
function drain() {
  while (mayHold) {
    if (fill === 0 && !slotFree()) return false;
    const r = step(none);
    // With no input at a frame boundary zstd returns the next frame's header size, not "done": ignore that.
    if (r[1] === 0) return true;
    lastRet = r[0];
    fill += r[1];
    if (fill === K.SLOT) publish();
  }
  return true;
}

// The file through one buffer (sequential reads), plus small reads of block headers further ahead.
const buf = new Uint8Array(K.IN_CHUNK);
let bufAt = 0;
let bufLen = 0;
function fileBytes(at, n) {
  if (at < bufAt || at + n > bufAt + bufLen) {
    bufAt = at;
    bufLen = 0;
    for (;;) {
      const got = fs.readSync(fd, buf, bufLen, buf.length - bufLen, at + bufLen);
      if (got === 0) break;
      bufLen += got;
      if (bufLen === buf.length) break;
    }
  }
  return buf.subarray(at - bufAt, Math.min(bufLen, at - bufAt + n));
}
const tiny = new Uint8Array(8);
function peek(at, n) {
  if (at >= bufAt && at + n <= bufAt + bufLen) return buf.subarray(at - bufAt, at - bufAt + n);
  return tiny.subarray(0, fs.readSync(fd, tiny, 0, n, at));
}
function blockHeader(at) {
  const h = peek(at, 3);
  if (h.length < 3) return undefined;
  const v = h[0] | (h[1] << 8) | (h[2] << 16);
  const type = (v >> 1) & 3;
  const size = v >>> 3;
  return { at, last: (v & 1) === 1, type, size, next: at + 3 + (type === 1 ? 1 : size) };
}

let off = 0;
let droppedBytes = 0;
// Feeds the rest of the file as it is: the decoder judges whatever the block walk below does not understand.
function plainRest() {
  lookahead = null;
  for (;;) {
    const b = fileBytes(off, K.IN_CHUNK);
    if (b.length === 0) return true;
    off += b.length;
    if (!feed(b) || !drain()) return false;
  }
}

// Raw (stored) blocks are how zstd keeps incompressible data — random or already-compressed memory — and the decoder
// merely copies them. One that lies wholly before the skip target (page data no view reads) is not read at all,
// provided no later block can refer back into it: zstd matches reach back at most one window, so the blocks covering
// the next window's worth of output must all be raw or RLE (which refer to nothing) or the frame must end first.
// Nothing the reader is given changes; the frame's checksum, which covers the dropped bytes, cannot be verified then.
function frames() {
  for (;;) {
    const head = peek(off, 6);
    if (head.length === 0) return true;
    if (head.length < 6 || (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0 !== ZSTD_MAGIC) return plainRest();
    const fhd = head[4];
    // Content size, single segment, dictionary or reserved bits: frames podman does not write; read them whole.
    if ((fhd & 0xe8) !== 0 || (fhd & 3) !== 0) return plainRest();
    const checksum = (fhd & 4) !== 0;
    const windowBase = 2 ** (10 + (head[5] >> 3));
    const windowSize = windowBase + (windowBase / 8) * (head[5] & 7);
    if (!feed(fileBytes(off, 6))) return false;
    off += 6;
    let dropped = false;
    // The frame's block headers, read ahead of the blocks themselves: ahead[next] is the next block's.
    const ahead = [];
    let next = 0;
    let queueEnd = off;
    let queueDone = false;
    const queueOne = () => {
      if (queueDone || ahead.length - next >= MAX_QUEUED) return false;
      const h = blockHeader(queueEnd);
      // Unreadable or invalid: not queued; the block loop then hands the rest to the decoder to judge.
      if (!h || h.type === 3 || h.size > MAX_BLOCK) {
        queueDone = true;
        return false;
      }
      ahead.push(h);
      queueEnd = h.next;
      if (h.last) queueDone = true;
      return true;
    };
    lookahead = () => {
      let n = 0;
      while (n < 256 && queueOne()) n++;
      return n > 0;
    };
    // Headers next..scan-1 are known raw or RLE, "covered" bytes of output in all (or one of them ends the frame):
    // kept from block to block, so each header is looked at once, not once per block before it.
    let scan = 0;
    let covered = 0;
    let endsFrame = false;
    const horizonClear = () => {
      if (scan < next) {
        scan = next;
        covered = 0;
        endsFrame = false;
      }
      while (covered < windowSize && !endsFrame) {
        if (scan >= ahead.length && !queueOne()) return false;
        const h = ahead[scan];
        if (h.type >= 2) return false;
        covered += h.size;
        endsFrame = h.last;
        scan++;
      }
      return true;
    };
    for (;;) {
      if (next >= ahead.length) queueOne();
      const b = ahead[next];
      if (!b) return plainRest();
      if (scan > next) covered -= b.size;
      next++;
      if (next > 4096) {
        ahead.splice(0, next);
        scan = Math.max(0, scan - next);
        next = 0;
      }
      if (b.type === 0 && !b.last) {
        if (!drain()) return false;
        if (produced + fill + b.size <= Number(Atomics.load(positions, K.SKIP_TO)) && horizonClear()) {
          publish();
          produced += b.size;
          dropped = true;
          droppedBytes += b.size;
          Atomics.store(positions, K.DROPPED, BigInt(droppedBytes));
          off = b.next;
          continue;
        }
      }
      if (!feed(fileBytes(off, b.next - off))) return false;
      off = b.next;
      if (b.last) break;
    }
    lookahead = null;
    if (checksum) {
      if (!drain()) return false;
      const c = fileBytes(off, 4);
      try {
        if (!feed(c) || !drain()) return false;
      } catch (err) {
        if (!(dropped && err instanceof Corrupt && /checksum/i.test(String(err.message)))) throw err;
        dctx.reset(1 /* ZSTD_reset_session_only */);
        lastRet = 0;
      }
      off += c.length;
    }
  }
}

function run() {
  try {
    fd = fs.openSync(file, 'r');
    dctx = new (require(binding).DCtx)();
    dctx.setParameter(100 /* ZSTD_d_windowLogMax */, 27);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    return finish(K.FAILED, err && err.message);
  }
  try {
    if (!frames() || !drain()) return finish(K.DONE);
    publish();
  } catch (err) {
    return finish(err instanceof Corrupt ? K.CORRUPT : K.FAILED, err && err.message);
  } finally {
    fs.closeSync(fd);
  }
  finish(lastRet !== 0 ? K.TRUNCATED : K.DONE);
}
run();
`;

// In Node since 16; the project's TypeScript lib (ES2022) does not declare it yet.
type WaitAsync = (view: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

interface WorkerRun {
  file: string;
  binding: string;
  shared: SharedArrayBuffer;
  ctrl: Int32Array;
  worker: Worker;
  exited: boolean;
  crash?: Error;
  exit: Promise<void>;
}

function startWorker(file: string, binding: string): WorkerRun {
  const shared = new SharedArrayBuffer(DATA_AT + SLOTS * SLOT);
  const ctrl = new Int32Array(shared, 0, CONTROL_WORDS);
  const constants = {
    SLOT, SLOTS, IN_CHUNK, ERROR_BYTES, WRITTEN, RELEASED, EVENTS, STATE, STOP, ERROR_LEN, LENGTHS, FIRSTS, CONTROL_WORDS,
    POSITIONS_AT, SKIP_TO, TOTAL, DROPPED, STARTS, POSITIONS, ERROR_AT, DATA_AT, RUNNING, DONE, CORRUPT, TRUNCATED, FAILED,
  };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, binding, shared, constants } });
  const run: WorkerRun = { file, binding, shared, ctrl, worker, exited: false, exit: Promise.resolve() };
  run.exit = new Promise<void>((resolve) => {
    worker.once('error', (err) => {
      run.crash = err;
    });
    worker.once('exit', () => {
      run.exited = true;
      // Wake a wait below: a worker that died without saying so must not leave the reader hanging.
      Atomics.add(ctrl, EVENTS, 1);
      Atomics.notify(ctrl, EVENTS);
      resolve();
    });
  });
  return run;
}

async function stopWorker(run: WorkerRun): Promise<void> {
  Atomics.store(run.ctrl, STOP, 1);
  Atomics.add(run.ctrl, RELEASED, 1);
  Atomics.notify(run.ctrl, RELEASED);
  await run.exit;
}

let prestarted: WorkerRun | undefined;

/**
 * Starts the worker on `file` ahead of the reader (the CLI does while the reader's modules load: a worker thread takes
 * tens of milliseconds to boot); unzstdFileInWorker on the same file and binding takes it over. Until then the worker
 * does not keep the process alive, and it stops when the ring is full.
 */
export function prestartZstdWorker(file: string, binding: string): void {
  if (prestarted) return;
  prestarted = startWorker(file, binding);
  prestarted.worker.unref();
}

/** Stops a prestarted worker that nothing took over (the file was not zstd after all, or opening it failed first). */
export async function discardPrestartedZstdWorker(): Promise<void> {
  const run = prestarted;
  prestarted = undefined;
  if (run) await stopWorker(run);
}

/**
 * The decompressed bytes of a zstd-compressed file, read and decompressed by a worker thread. Each chunk is a view of
 * the shared ring and valid until the next is asked for (the reader copies what it keeps, as with unzstdNative).
 * `binding` is the resolved path of zstd-napi's binding.js. `idle`, when given, is called instead of waiting while no
 * chunk is ready (the worker is busy filling the ring): the caller's deferred work runs then, until a chunk is ready, so
 * the ring is drained as soon as it has something and the worker never waits for room; it returns false when it has
 * nothing left to do. skip(n), called between chunks, drops the next n bytes (StreamByteReader calls it for skips past
 * what it holds): the worker drops them as it produces them, and slots already filled are passed over here; raw blocks
 * wholly inside a skip it does not even read (droppedBytes() says how many bytes that spared).
 */
export function unzstdFileInWorker(file: string, binding: string, idle?: Idle): SkippingSource & { droppedBytes(): number } {
  // Position of the first byte not yet yielded or passed over, and the skip target (never behind it once reached).
  let next = 0;
  let target = 0;
  // Its body (and so the worker, unless prestarted) starts on the first next().
  const generator = chunks();
  let dropped = 0;
  return {
    skip(n) {
      target = Math.max(target, next) + n;
    },
    droppedBytes: () => dropped,
    [Symbol.asyncIterator]: () => generator,
  };

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let run: WorkerRun;
    if (prestarted && prestarted.file === file && prestarted.binding === binding) {
      run = prestarted;
      prestarted = undefined;
      run.worker.ref();
    } else {
      run = startWorker(file, binding);
    }
    const { shared, ctrl } = run;
    const positions = new BigInt64Array(shared, POSITIONS_AT, POSITIONS);
    const data = new Uint8Array(shared, DATA_AT);
    let read = 0;
    let requested = 0;
    const chunkReady = (): boolean => Atomics.load(ctrl, WRITTEN) > read || Atomics.load(ctrl, STATE) !== RUNNING;
    try {
      for (;;) {
        const events = Atomics.load(ctrl, EVENTS);
        if (Atomics.load(ctrl, WRITTEN) > read) {
          const i = read % SLOTS;
          const start = Number(Atomics.load(positions, STARTS + i));
          const first = Atomics.load(ctrl, FIRSTS + i);
          const end = Atomics.load(ctrl, LENGTHS + i);
          const from = Math.min(end - first, Math.max(0, target - start));
          next = start + end - first;
          if (first + from < end) yield data.subarray(i * SLOT + first + from, i * SLOT + end);
          read++;
          Atomics.store(ctrl, RELEASED, read);
          Atomics.notify(ctrl, RELEASED);
          continue;
        }
        if (target > next && target !== requested) {
          // Tell the worker: it drops what it produces before the target. Slots it filled before are passed over above.
          Atomics.store(positions, SKIP_TO, BigInt(target));
          requested = target;
        }
        const state = Atomics.load(ctrl, STATE);
        if (state === DONE) {
          const total = Number(Atomics.load(positions, TOTAL));
          if (target > total) throw new CorruptImageError(`input ends early: ${target - total} bytes missing at offset ${total}`);
          return;
        }
        if (state !== RUNNING) {
          const message = new TextDecoder().decode(new Uint8Array(shared, ERROR_AT, Atomics.load(ctrl, ERROR_LEN)));
          if (state === CORRUPT) throw new CorruptImageError('the zstd stream is corrupt', message);
          if (state === TRUNCATED) throw new CorruptImageError('the zstd stream ends in the middle of a frame (truncated archive)');
          throw new Error(`reading ${file} failed: ${message}`);
        }
        if (run.exited) throw run.crash ?? new Error(`the zstd worker for ${file} stopped unexpectedly`);
        if (idle?.(chunkReady)) continue;
        const wait = waitAsync(ctrl, EVENTS, events);
        if (wait.async) await wait.value;
      }
    } finally {
      await stopWorker(run);
      dropped = Number(Atomics.load(positions, DROPPED));
    }
  }
}
