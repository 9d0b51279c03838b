import { useEffect, useState } from 'react';
import type { CheckpointOptions } from '../../../shared/domain/checkpoint';
import { CHECKPOINT_OPTIONS, Compression, defaultsFor } from '../../../shared/domain/checkpoint-options';
import type { Runtime } from '../../../shared/domain/container';
import { useStasis } from '../store';
import { Modal, ModalActions } from './modal';
import { LostProcesses } from './lost-processes';
import { ProcessPicker } from './process-picker';
import { processCheckKey } from '../store/container-actions-slice';

type Flag = 'leaveRunning' | 'tcpEstablished' | 'fileLocks' | 'ignoreRootfs' | 'ignoreVolumes';

// The flags the options table gives a hint for, with the runtimes that honour each (the helper refuses the others).
const FLAGS = Object.entries(CHECKPOINT_OPTIONS)
  .filter(([, o]) => o.kind === 'flag' && o.hint)
  .map(([key, o]) => ({ key: key as Flag, label: o.label, hint: o.hint ?? '', runtimes: o.runtimes }));

/** What to checkpoint: a container by name, or (with no name given) a process tree whose PID the user types. */
export interface CheckpointTarget {
  hostId: string;
  runtime: Runtime;
  name?: string;
}

/** The dialog starts from the options table's defaults (leave running, zstd for podman): the same ones the CLI uses. */
export function initialCheckpointOptions(runtime: Runtime): CheckpointOptions {
  return { ...defaultsFor(CHECKPOINT_OPTIONS, runtime) };
}

export function CheckpointDialog({ target, onClose }: { target: CheckpointTarget; onClose: () => void }) {
  const checkpoint = useStasis((s) => s.checkpoint);
  const podman = CHECKPOINT_OPTIONS.compression.runtimes.includes(target.runtime);
  const [options, setOptions] = useState<CheckpointOptions>(() => initialCheckpointOptions(target.runtime));
  const [pid, setPid] = useState('');
  // Processes started with exec are not in the tree CRIU dumps: ask the host before, and make the user choose.
  const container = target.runtime !== 'process' ? target.name : undefined;
  const checkProcesses = useStasis((s) => s.checkProcesses);
  const processCheck = useStasis((s) => (container ? s.processChecks[processCheckKey(target.hostId, container)] : undefined));
  const [allowLost, setAllowLost] = useState(false);
  useEffect(() => {
    if (container && target.runtime !== 'process') void checkProcesses(target.hostId, target.runtime, container);
  }, [checkProcesses, container, target.hostId, target.runtime]);
  const lost = processCheck?.check?.lost.length ?? 0;
  const submit = (): void => {
    const ref = target.name ?? pid.trim();
    if (!ref || (lost > 0 && !allowLost)) return;
    // The job runs on (jobs page, host page); the dialog closes at once.
    onClose();
    void checkpoint(target.hostId, target.runtime, ref, options, lost > 0 && allowLost);
  };
  return (
    <Modal title={target.name ? `Checkpoint ${target.name}` : 'Checkpoint a process tree'} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {!target.name && (
          <>
            <ProcessPicker hostId={target.hostId} pid={pid} onPick={setPid} />
            <label>
              Process ID (the process and every process under it are checkpointed)
              <input type="text" inputMode="numeric" pattern="[1-9][0-9]*" required value={pid} onChange={(e) => setPid(e.target.value)} />
            </label>
          </>
        )}
        {FLAGS.filter((f) => f.runtimes.includes(target.runtime)).map((f) => (
          <label key={f.key} className="check">
            <input type="checkbox" checked={options[f.key] ?? false} onChange={(e) => setOptions({ ...options, [f.key]: e.target.checked })} />
            <span>
              {f.label}
              <span className="hint">{f.hint}</span>
            </span>
          </label>
        ))}
        {podman && (
          <label>
            Compression
            <select value={options.compression ?? 'zstd'} onChange={(e) => setOptions({ ...options, compression: e.target.value as CheckpointOptions['compression'] })}>
              {Compression.options.map((c) => (
                <option key={c} value={c}>
                  {c === 'zstd' ? 'zstd (fast, small)' : c}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Keep only the newest
          <input type="number" min={0} max={9999} value={options.keepLast ?? 0} onChange={(e) => setOptions({ ...options, keepLast: Number(e.target.value) })} />
          <span className="hint">checkpoints of this {target.name ? 'container' : 'process tree'} (0 keeps all)</span>
        </label>
        <label>
          Note
          <input type="text" maxLength={1024} value={options.note ?? ''} onChange={(e) => setOptions({ ...options, note: e.target.value })} placeholder="what state is this?" />
        </label>
        {container && <LostProcesses state={processCheck} allow={allowLost} onAllow={setAllowLost} />}
        <ModalActions onCancel={onClose} submitLabel={lost > 0 ? 'Checkpoint anyway' : 'Checkpoint'} disabled={lost > 0 && !allowLost} />
      </form>
    </Modal>
  );
}
