// The upload itself is tested against the real server (electron/serve/upload.test.ts) and in Chromium
// (e2e/upload.spec.ts); here the store's side: what it shows while a file goes up, and the server's words on failure.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/client';
import { createRootStore, storeDeps } from '.';
import { httpUpload, type UploadPost } from '../file-access';
import { fakeApi, manualTime } from '../testing/fake-api';
import { DISCARD_AFTER_MS } from './open-file-slice';

const file = (): File => new File([new Uint8Array(10)], 'web.tar.zst');

describe('open-file slice', () => {
  it('uploads in browser mode: busy while it goes, the server path at the end', async () => {
    let finish: (p: string) => void = () => {};
    let progress: ((sent: number) => void) | undefined;
    const store = createRootStore(
      storeDeps({ api: fakeApi({}).api, files: { upload: (_f, onProgress) => ((progress = onProgress), new Promise((r) => (finish = r))) } }),
    );
    expect(store.getState().fileOpening).toBe('upload');
    const done = store.getState().uploadImage(file());
    expect(store.getState().upload).toMatchObject({ name: 'web.tar.zst', size: 10, busy: true });
    progress?.(4);
    expect(store.getState().upload).toMatchObject({ busy: true, sent: 4 });
    finish('/tmp/stasis-upload-x/ab-web.tar.zst');
    expect(await done).toBe('/tmp/stasis-upload-x/ab-web.tar.zst');
    expect(store.getState().upload).toBeUndefined();
  });

  it("shows the server's words when an upload is refused, and a dropped file uploads the same way", async () => {
    const post: UploadPost = async () => ({ status: 413, body: JSON.stringify({ error: 'The file is larger than this server accepts (10 bytes).' }) });
    const store = createRootStore(storeDeps({ api: fakeApi({}).api, files: { upload: httpUpload('tok', post) } }));
    expect(await store.getState().droppedImageFile(file())).toBeUndefined();
    expect(store.getState().upload).toMatchObject({ busy: false, error: 'The file is larger than this server accepts (10 bytes).' });
  });

  it('sends the token in a header, never in the URL', async () => {
    const seen: { url: string; init: Parameters<UploadPost>[1] }[] = [];
    const post: UploadPost = async (url, init) => (seen.push({ url, init }), { status: 200, body: JSON.stringify({ path: '/tmp/p' }) });
    expect(await httpUpload('tok', post)(file())).toBe('/tmp/p');
    expect(seen[0]!.url).toBe('/upload');
    expect(seen[0]!.init.headers).toMatchObject({ Authorization: 'Bearer tok', 'X-Stasis-Filename': 'web.tar.zst' });
    expect(seen[0]!.init.body).toBeInstanceOf(File);
  });

  it("Electron: a dropped file opens by its path, the picker's answer too; a cancelled pick is nothing", async () => {
    let answer: string | null = '/home/u/a.tar';
    const { api } = fakeApi({ app: { pickFile: async () => ({ path: answer }) } });
    const store = createRootStore(storeDeps({ api, files: { pathOf: () => '/home/u/dropped.tar.zst' } }));
    expect(store.getState().fileOpening).toBe('path');
    expect(await store.getState().droppedImageFile(file())).toBe('/home/u/dropped.tar.zst');
    expect(await store.getState().pickImageFile()).toBe('/home/u/a.tar');
    answer = null;
    expect(await store.getState().pickImageFile()).toBeUndefined();
    expect(store.getState().upload).toBeUndefined();
  });

  it('browser mode: the picker is not-supported and says nothing (the view offers upload)', async () => {
    const { api } = fakeApi({ app: { pickFile: async () => Promise.reject(new ApiError('not-supported', 'no picker')) } });
    const store = createRootStore(storeDeps({ api }));
    expect(store.getState().fileOpening).toBe('none');
    expect(await store.getState().pickImageFile()).toBeUndefined();
    expect(store.getState().upload).toBeUndefined();
  });
});

describe('uploads follow the image view', () => {
  it('removes an upload once no view has shown it for a moment, and keeps one a view opens again at once', async () => {
    const time = manualTime();
    const discarded: string[] = [];
    const store = createRootStore(storeDeps({ api: fakeApi({}).api, ...time.deps, files: { upload: async (f) => `/tmp/up/${f.name}`, discard: async (p) => void discarded.push(p) } }));
    const s = store.getState;
    const a = (await s().uploadImage(new File(['x'], 'a.tar')))!;
    const b = (await s().uploadImage(new File(['x'], 'b.tar')))!;
    s().imageOpened(a);
    // Strict mode: closed and opened again at once.
    s().imageClosed(a);
    s().imageOpened(a);
    time.advance(DISCARD_AFTER_MS);
    expect(discarded).toEqual([]);
    s().imageOpened(b);
    s().imageClosed(b);
    s().imageClosed(a);
    // A path this tab did not upload is never asked to go.
    s().imageOpened('/srv/mine.tar');
    s().imageClosed('/srv/mine.tar');
    time.advance(DISCARD_AFTER_MS);
    expect(discarded.sort()).toEqual([a, b]);
  });
});
