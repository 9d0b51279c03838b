import { useState } from 'react';
import { useStasis } from '../store';
import { Modal, ModalActions } from './modal';

/** Asks what only the user can answer: trust an unknown host key, or a password (in memory unless remembered). */
export function HostPrompt() {
  const prompt = useStasis((s) => s.prompt);
  const answer = useStasis((s) => s.answerPrompt);
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(false);
  if (!prompt) return null;
  const close = (): void => void answer(undefined);
  if (prompt.kind === 'host-key') {
    return (
      <Modal title={`Unknown host ${prompt.hostId}`} onClose={close}>
        <p>{prompt.message}</p>
        <p className="mono fingerprint">{prompt.fingerprint}</p>
        <div className="actions">
          <button type="button" onClick={close}>
            Don't connect
          </button>
          <button type="button" className="primary" onClick={() => void answer('accept')}>
            Trust this key
          </button>
        </div>
      </Modal>
    );
  }
  return (
    <Modal title={`${prompt.secretKind === 'password' ? 'Password' : 'Key passphrase'} for ${prompt.hostId}`} onClose={close}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const s = secret;
          setSecret('');
          void answer(s, remember);
        }}
      >
        <p>{prompt.message}</p>
        <input type="password" autoFocus value={secret} onChange={(e) => setSecret(e.target.value)} aria-label={prompt.secretKind} />
        <label>
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember it on this computer
        </label>
        <p className="muted">
          {remember
            ? 'Stored encrypted with your keyring (desktop app only); never in clear.'
            : 'Stasis keeps it in memory until it quits; nothing is written to disk.'}
        </p>
        <ModalActions onCancel={close} submitLabel="Connect" disabled={!secret} />
      </form>
    </Modal>
  );
}
