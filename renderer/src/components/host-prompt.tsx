import { useState } from 'react';
import { useStasis } from '../store';
import { Modal, ModalActions } from './modal';

/** Asks what only the user can answer: trust an unknown host key, or a password kept in memory only. */
export function HostPrompt() {
  const prompt = useStasis((s) => s.prompt);
  const answer = useStasis((s) => s.answerPrompt);
  const [secret, setSecret] = useState('');
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
          void answer(s);
        }}
      >
        <p>{prompt.message}</p>
        <input type="password" autoFocus value={secret} onChange={(e) => setSecret(e.target.value)} aria-label={prompt.secretKind} />
        <p className="muted">Stasis keeps it in memory for this session only.</p>
        <ModalActions onCancel={close} submitLabel="Connect" disabled={!secret} />
      </form>
    </Modal>
  );
}
