import { useState } from 'react';
import { api } from '../api';
import { useHosts } from '../store/hosts-store';
import { Modal, ModalActions } from './modal';

export function AddHostDialog({ onClose }: { onClose: () => void }) {
  const load = useHosts((s) => s.load);
  const select = useHosts((s) => s.select);
  const [form, setForm] = useState({ id: '', hostName: '', user: '', port: '', proxyJump: '' });
  const [error, setError] = useState<string>();
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });
  const submit = async (): Promise<void> => {
    try {
      const host = await api.hosts.add({
        id: form.id.trim(),
        hostName: form.hostName.trim(),
        ...(form.user ? { user: form.user.trim() } : {}),
        ...(form.port ? { port: Number(form.port) } : {}),
        ...(form.proxyJump ? { proxyJump: form.proxyJump.trim() } : {}),
      });
      await load();
      select({ kind: 'host', hostId: host.id });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
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
        <p className="muted">Keys come from ssh-agent or ~/.ssh; a password is asked for when needed and kept in memory only.</p>
        {error && <p className="problem bad">{error}</p>}
        <ModalActions onCancel={onClose} submitLabel="Add host" />
      </form>
    </Modal>
  );
}
