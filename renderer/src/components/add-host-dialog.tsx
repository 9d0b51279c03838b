import { useState } from 'react';
import { navigate, links } from '../router';
import { useStasis } from '../store';
import { fieldOf, type Problem } from '../store/messages';
import { Modal, ModalActions } from './modal';

export function AddHostDialog({ onClose }: { onClose: () => void }) {
  const addHost = useStasis((s) => s.addHost);
  const [form, setForm] = useState({ id: '', hostName: '', user: '', port: '', proxyJump: '' });
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });
  const field = problem ? fieldOf(problem) : undefined;
  const submit = async (): Promise<void> => {
    setBusy(true);
    const out = await addHost({
      id: form.id.trim(),
      hostName: form.hostName.trim(),
      ...(form.user ? { user: form.user.trim() } : {}),
      ...(form.port ? { port: Number(form.port) } : {}),
      ...(form.proxyJump ? { proxyJump: form.proxyJump.trim() } : {}),
    });
    setBusy(false);
    if (out.ok) {
      onClose();
      navigate(links.host(out.value.id));
    } else setProblem(out.problem);
  };
  return (
    <Modal title="Add an SSH host" onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Name in Stasis
          <input type="text" required value={form.id} onChange={set('id')} placeholder="lab-1" />
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
          <p className="field-error" role="alert">
            {field ? <b>{field}: </b> : null}
            {problem.message}
          </p>
        )}
        <ModalActions onCancel={onClose} submitLabel={busy ? 'Adding…' : 'Add host'} disabled={busy} />
      </form>
    </Modal>
  );
}
