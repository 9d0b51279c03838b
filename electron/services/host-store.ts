import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ManualHost } from '../../shared/domain/ssh-host';

/** hosts.json: hosts added by hand and ssh-config hosts the user hid. Never holds secrets. */
const HostsFile = z.object({
  version: z.literal(1),
  hosts: z.array(ManualHost),
  hidden: z.array(z.string()),
});
type HostsFile = z.infer<typeof HostsFile>;

export function defaultHostsFile(): string {
  const base = process.env['XDG_CONFIG_HOME'] || path.join(homedir(), '.config');
  return path.join(base, 'stasis', 'hosts.json');
}

export class HostStore {
  constructor(readonly file: string = defaultHostsFile()) {}

  async read(): Promise<HostsFile> {
    const text = await readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (text === undefined) return { version: 1, hosts: [], hidden: [] };
    const parsed = HostsFile.safeParse(JSON.parse(text));
    // A damaged file is kept aside rather than silently replaced on the next write.
    if (!parsed.success) throw new Error(`${this.file} is not a valid Stasis hosts file: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  async write(data: HostsFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.file);
    } catch (err) {
      // A failed write or rename leaves no half-written file beside hosts.json.
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async update(fn: (d: HostsFile) => HostsFile): Promise<HostsFile> {
    const next = fn(await this.read());
    await this.write(next);
    return next;
  }
}
