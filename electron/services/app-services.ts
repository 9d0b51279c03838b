import os from 'node:os';
import type { MemSource, StasisHandlers } from '../../shared/api/contract';
import type { EmitEvent } from '../../shared/api/dispatch';
import { StasisError } from '../../shared/api/errors';
import { processParts, reportSummary } from '../../shared/domain/report-parts';
import type { HostCapabilities, HostSummary } from '../../shared/domain/host';
import { CheckpointService } from './checkpoint-service';
import { containerAction } from './container-actions';
import { localExec } from './exec';
import { checkContainerProcesses } from './lost-processes';
import { withRuntimeWords } from './runtime-words';
import { listHostProcesses } from './host-processes';
import { probeHost } from './host-probe';
import { HostRegistry } from './host-registry';
import { HostStore, defaultHostsFile } from './host-store';
import { checkedPath, diffPaths, diffStored, inspectPath, inspectStored } from './image-service';
import { MigrationService } from './migration/migration-service';
import { fileOpener, memDumpResult, memSearchResult, type CheckpointOpener } from './memory-service';
import type { SecretVault } from './secret-vault';
import { createReportCache, fileKey, storedKey } from './report-cache';
import { defaultSshConfigPath, listSshConfigHosts } from './ssh-config';
import { storedOpener } from './stored-memory';
import { STASIS_VERSION } from './version';

export interface AppServicesOptions {
  mode: 'electron' | 'browser';
  sshConfigPath?: string;
  /** hosts.json (hosts added by hand); defaults to $XDG_CONFIG_HOME/stasis/hosts.json. */
  hostsFile?: string;
  emit?: EmitEvent;
  /** Where passwords and passphrases are kept; memory only unless the Electron shell passes its vault. */
  secrets?: SecretVault;
  /** Electron's native file picker (electron/main passes dialog.showOpenDialog); absent in browser mode and the CLI. */
  pickFile?: () => Promise<string | null>;
  /** Shows a system notification, true when it did (electron/main passes one over Electron's Notification); absent in browser mode. */
  notify?: (title: string, body: string) => boolean;
  /**
   * Read each checkpoint this process makes once, in the background: its command lines and environments (which only
   * its memory pages hold) are then kept beside its images and its report cached, so the first open streams no
   * archive and does not grow with the container's memory. The app's long-running servers set it; the CLI, which
   * exits after the checkpoint, does not.
   */
  prepareNewCheckpoints?: boolean;
}

/** Who is calling: Electron's webContents id, or a browser-mode connection id. */
export interface CallContext {
  caller: string;
}

/**
 * The composition root: every service is built once here and every API handler is defined here,
 * so Electron IPC, browser mode and the CLI share one implementation.
 */
/** How long after a checkpoint (and after each operation on its host) the app waits before reading it in the background. */
const PREPARE_AFTER_MS = Number(process.env['STASIS_PREPARE_AFTER_MS'] ?? 15_000);

export function createAppServices(options: AppServicesOptions) {
  const sshConfigPath = options.sshConfigPath ?? defaultSshConfigPath();
  let localProbe: Promise<HostCapabilities> | undefined;

  const probeLocal = (fresh: boolean): Promise<HostCapabilities> => {
    if (!localProbe || fresh) {
      localProbe = probeHost(localExec);
      localProbe.catch(() => (localProbe = undefined));
    }
    return localProbe;
  };

  const localSummary = async (fresh = false): Promise<HostSummary> => {
    try {
      const capabilities = await probeLocal(fresh);
      return { id: 'local', name: 'This computer', kind: 'local', address: os.hostname(), status: 'ok', capabilities };
    } catch (err) {
      return { id: 'local', name: 'This computer', kind: 'local', status: 'error', error: String(err) };
    }
  };

  const hosts = new HostRegistry({
    sshConfigPath,
    store: new HostStore(options.hostsFile ?? defaultHostsFile()),
    ...(options.emit ? { emit: options.emit } : {}),
    localSummary,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  const checkpoints = new CheckpointService({
    helperFor: (id) => hosts.helperFor(id),
    hostIds: () => hosts.ids(),
    ...(options.emit ? { emit: options.emit } : {}),
    ...(options.prepareNewCheckpoints ? { made: prepareLater } : {}),
  });
  // The read waits a while, and while a checkpoint or restore runs on that host, so that it never competes with the
  // user's next step (a restore right after the checkpoint). A checkpoint deleted meanwhile, or a host gone, just
  // leaves the first open to do the reading.
  function prepareLater(hostId: string, checkpointId: string, tries = 10): void {
    setTimeout(() => {
      if (checkpoints.busy(hostId) && tries > 0) return prepareLater(hostId, checkpointId, tries - 1);
      void reportOf({ hostId, checkpointId }).catch(() => undefined);
    }, PREPARE_AFTER_MS).unref();
  }

  const migrations = new MigrationService({
    helperFor: (id) => hosts.helperFor(id),
    hostIds: () => hosts.ids(),
    runnerFor: (id) => hosts.runnerFor(id),
    ...(options.emit ? { emit: options.emit } : {}),
  });

  const memorySource = async (source: MemSource): Promise<CheckpointOpener> =>
    'path' in source ? fileOpener(checkedPath(source.path)) : storedOpener(await hosts.helperFor(source.hostId), source.hostId, source.checkpointId);

  // The image browser's report parts (images.summary, .process, .sockets) are cut from one read per checkpoint.
  const reports = createReportCache();
  const reportOf = async (source: MemSource) => {
    if ('path' in source) {
      const file = checkedPath(source.path);
      // A path that cannot be stat'ed is read uncached, for the reader's own words on what is wrong with it.
      const key = await fileKey(file).catch(() => undefined);
      return key ? reports.get(key, () => inspectPath(file)) : inspectPath(file);
    }
    const helper = await hosts.helperFor(source.hostId);
    return reports.get(storedKey(source.hostId, source.checkpointId), () => inspectStored(helper, source.hostId, source.checkpointId));
  };

  const handlers: StasisHandlers<CallContext> = {
    app: {
      info: async () => ({ name: 'Stasis', version: STASIS_VERSION, mode: options.mode, platform: `${process.platform}-${process.arch}`, sshConfigPath }),
      pickFile: async () => {
        if (!options.pickFile) throw new StasisError('not-supported', 'This window has no file picker: upload the checkpoint, or type its path on the machine Stasis runs on.');
        return { path: await options.pickFile() };
      },
      // Without a notifier (browser mode) the renderer uses the Web Notifications API itself.
      notify: async ({ title, body }) => ({ shown: options.notify ? options.notify(title, body) : false }),
    },
    hosts: {
      list: async () => hosts.list(),
      probe: async ({ hostId }) => {
        if (hostId !== 'local') return (await hosts.probe(hostId)).capabilities!;
        const summary = await localSummary(true);
        options.emit?.('hostChanged', { host: summary });
        if (!summary.capabilities) throw new StasisError('operation-failed', `Could not probe this computer: ${summary.error ?? 'unknown error'}.`);
        return summary.capabilities;
      },
      sshConfig: async () => listSshConfigHosts(sshConfigPath),
      add: async (m) => hosts.add(m),
      update: async (m) => hosts.update(m),
      processes: async ({ hostId }) => listHostProcesses(await hosts.runnerFor(hostId), hostId === 'local' ? 'this computer' : hostId),
      remove: async ({ hostId }) => hosts.remove(hostId),
      test: async ({ hostId }) => hosts.test(hostId),
      setUp: async ({ hostId, sudoers }) => hosts.setUp(hostId, sudoers),
      acceptKey: async ({ hostId, fingerprint }) => hosts.acceptKey(hostId, fingerprint),
      provideSecret: async ({ hostId, kind, secret, remember }) => hosts.provideSecret(hostId, kind, secret, remember),
    },
    containers: {
      list: async ({ hostId }) => checkpoints.containers(hostId),
      processes: async ({ hostId, runtime, container }) => (await checkContainerProcesses(await hosts.helperFor(hostId), runtime, container))!,
      act: async ({ hostId, runtime, container, action }) => containerAction(await hosts.helperFor(hostId), runtime, container, action),
    },
    checkpoints: {
      create: async (input) => checkpoints.create(input),
      restore: async (input) => withRuntimeWords(() => checkpoints.restore(input)),
      list: async ({ hostId }) => checkpoints.list(hostId),
      delete: async ({ hostId, checkpointId }) => checkpoints.delete(hostId, checkpointId),
      inspect: async ({ hostId, checkpointId }) => checkpoints.inspect(hostId, checkpointId),
      report: async ({ hostId, checkpointId }) => inspectStored(await hosts.helperFor(hostId), hostId, checkpointId),
      diff: async ({ hostId, before, after, afterHostId }) =>
        diffStored(await hosts.helperFor(hostId), hostId, before, after, afterHostId && afterHostId !== hostId ? { helper: await hosts.helperFor(afterHostId), hostId: afterHostId } : undefined),
      copy: async (input) => checkpoints.copy(input),
      cancel: async ({ operationId }) => checkpoints.cancel(operationId),
    },
    images: {
      inspectFile: async ({ path }) => inspectPath(path),
      diffFiles: async ({ a, b }) => diffPaths(a, b),
      summary: async ({ source }) => reportSummary(await reportOf(source)),
      process: async ({ source, pid }) => {
        const parts = processParts(await reportOf(source), pid);
        if (!parts) throw new StasisError('not-found', `Process ${pid} is not in this checkpoint. Pick one from its process tree.`);
        return parts;
      },
      sockets: async ({ source }) => (await reportOf(source)).sockets,
      memSearch: async ({ source, ...input }) => memSearchResult(await memorySource(source), input),
      memDump: async ({ source, ...input }) => memDumpResult(await memorySource(source), input),
    },
    migrate: {
      check: async (input) => migrations.check(input),
      start: async (input) => migrations.start(input),
      cancel: async ({ operationId }) => migrations.cancel(operationId),
      interrupted: async ({ hostId }) => migrations.interrupted(hostId),
      recover: async ({ hostId, migrationId }) => migrations.recover(hostId, migrationId),
    },
  };

  return {
    handlers,
    sshConfigPath,
    /** Ends SSH sessions so that a CLI process can exit. */
    close: () => hosts.closeAll(),
  };
}

export type AppServices = ReturnType<typeof createAppServices>;
