import { useState } from 'react';
import { navigate, links } from '../router';
import { useStasis } from '../store';
import { fieldOf, type Problem } from '../store/messages';
import { Modal, ModalActions } from './modal';
import type { ManualHost } from '../../../shared/domain/ssh-host';

/** Adds an SSH host, or (given `editing`) changes one added in Stasis. Either way the host is tried before it is saved. */
export function AddHostDialog({ onClose, editing }: { onClose: () => void; editing?: ManualHost | undefined }) {
  const addHost = useStasis((s) => s.addHost);
  const updateHost = useStasis((s) => s.updateHost);
  const [form, setForm] = useState({
    id: editing?.id ?? '',
    hostName: editing?.hostName ?? '',
    user: editing?.user ?? '',
    port: editing?.port ? String(editing.port) : '',
    proxyJump: editing?.proxyJump ?? '',
  });
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });
  const field = problem ? fieldOf(problem) : undefined;
  const submit = async (): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    const host: ManualHost = {
      id: form.id.trim(),
      hostName: form.hostName.trim(),
      ...(form.user ? { user: form.user.trim() } : {}),
      ...(form.port ? { port: Number(form.port) } : {}),
      ...(form.proxyJump ? { proxyJump: form.proxyJump.trim() } : {}),
      ...(editing?.identityFile ? { identityFile: editing.identityFile } : {}),
    };
    const out = editing ? await updateHost(host) : await addHost(host);
    setBusy(false);
    if (out.ok) {
      onClose();
      navigate(links.host(out.value.id));
    } else setProblem(out.problem);
  };
  return (
    <Modal title={editing ? `Edit ${editing.id}` : 'Add an SSH host'} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Name in Stasis
          <input type="text" required value={form.id} onChange={set('id')} placeholder="lab-1" readOnly={Boolean(editing)} />
        </label>
        <label>
          Address
          <input type="text" required value={form.hostName} onChange={set('hostName')} placeholder="lab-1.example.org" />
        </label>
        <label>
          User
          <input type="text" value={form.user} onChange={set('user')} placeholder="root" />
        </label>
        <label>
          Port
          <input type="number" min={1} max={65535} value={form.port} onChange={set('port')} placeholder="22" />
        </label>
        <label>
          Jump through (ProxyJump)
          <input type="text" value={form.proxyJump} onChange={set('proxyJump')} placeholder="bastion" />
        </label>
        <p className="muted">Keys come from ssh-agent or ~/.ssh; a password is asked for when needed and kept in memory unless you choose to remember it (encrypted, desktop app only).</p>
        {problem && (
          <div className="field-error" role="alert">
            {field ? <b>{field}: </b> : null}
            {problem.message}
            {problem.detail && <pre className="mono detail">{problem.detail}</pre>}
          </div>
        )}
        <p className="muted">Stasis tries the host before saving it: an address it cannot reach is not saved.</p>
        <ModalActions onCancel={onClose} submitLabel={busy ? 'Trying the host…' : editing ? 'Save' : 'Add host'} disabled={busy} />
      </form>
    </Modal>
  );
}
