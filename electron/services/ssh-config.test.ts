import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSshConfigHosts } from './ssh-config';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stasis-sshcfg-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text.replaceAll('$DIR', dir));
  }
  return dir;
}

describe('listSshConfigHosts', () => {
  it('lists concrete hosts with computed settings and expands Include globs', async () => {
    const dir = tree({
      config: 'Include $DIR/conf.d/*.conf\n\nHost web db\n  HostName %h.example.org\n  User alice\n\nHost *\n  User fallback\n  Port 2022\n',
      'conf.d/10-lab.conf': 'Host lab\n  HostName 10.0.0.5\n  ProxyJump bastion\n  IdentityFile ~/.ssh/lab_key\n',
      'conf.d/20-bastion.conf': 'Host bastion\n  HostName 192.0.2.1\n  Port 22\n',
      'conf.d/ignored.txt': 'Host never\n',
    });
    const hosts = await listSshConfigHosts(path.join(dir, 'config'));
    expect(hosts.map((h) => h.alias)).toEqual(['lab', 'bastion', 'web', 'db']);
    const lab = hosts.find((h) => h.alias === 'lab')!;
    expect(lab).toMatchObject({ hostName: '10.0.0.5', proxyJump: 'bastion', user: 'fallback', port: 2022, source: path.join(dir, 'conf.d/10-lab.conf') });
    expect(lab.identityFile?.[0]).toMatch(/\/\.ssh\/lab_key$/);
    expect(hosts.find((h) => h.alias === 'bastion')).toMatchObject({ port: 22 });
    expect(hosts.find((h) => h.alias === 'web')).toMatchObject({ user: 'alice', port: 2022 });
  });

  it('never runs Match exec commands', async () => {
    const dir = tree({ config: 'Match exec "touch $DIR/ran"\n  User pwned\n\nHost box\n  HostName 127.0.0.1\n' });
    const hosts = await listSshConfigHosts(path.join(dir, 'config'));
    expect(hosts.map((h) => h.alias)).toEqual(['box']);
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('stops on include loops and treats a missing config as empty', async () => {
    const dir = tree({ config: 'Include $DIR/config\nHost a\n' });
    expect((await listSshConfigHosts(path.join(dir, 'config'))).map((h) => h.alias)).toEqual(['a']);
    expect(await listSshConfigHosts(path.join(dir, 'does-not-exist'))).toEqual([]);
  });
});
