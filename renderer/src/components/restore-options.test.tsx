// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { RestoreOptionsFields } from './restore-options';

afterEach(cleanup);

describe('restore options in the app, from the options table', () => {
  it('offers podman its restore flags, ports and pod; a bad port mapping is not passed on', () => {
    const onChange = vi.fn();
    render(<RestoreOptionsFields runtime="podman" value={{}} onChange={onChange} />);
    for (const label of ['Keep the CRIU work files', 'Ignore the static IP address', 'Restore established TCP connections', 'Into pod']) {
      expect(screen.getByLabelText(label)).toBeTruthy();
    }
    fireEvent.click(screen.getByLabelText('Ignore the static IP address'));
    expect(onChange).toHaveBeenLastCalledWith({ ignoreStaticIp: true });
    const ports = screen.getByLabelText(/Publish ports/);
    fireEvent.change(ports, { target: { value: '8080:80/tcp, 8443:443' } });
    expect(onChange).toHaveBeenLastCalledWith({ publish: ['8080:80/tcp', '8443:443'] });
    fireEvent.change(ports, { target: { value: '80;rm' } });
    expect(onChange).toHaveBeenLastCalledWith({});
    expect(ports.getAttribute('aria-invalid')).toBe('true');
  });

  it('offers Docker and process trees nothing beyond the new name', () => {
    for (const runtime of ['docker', 'process'] as const) {
      const { container } = render(<RestoreOptionsFields runtime={runtime} value={{}} onChange={() => {}} />);
      expect(container.querySelectorAll('input')).toHaveLength(0);
      cleanup();
    }
  });
});
