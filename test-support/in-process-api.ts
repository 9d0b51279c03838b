import { ApiError, createClient } from '../shared/api/client';
import { createDispatch } from '../shared/api/dispatch';
import { createAppServices } from '../electron/services/app-services';

/** The app's services in this process (browser mode) and a typed client that calls them as the UI would. */
export function inProcessApi(sshConfigPath: string, hostsFile: string) {
  const services = createAppServices({ mode: 'browser', sshConfigPath, hostsFile });
  const dispatch = createDispatch(services.handlers);
  return { services, api: createClient({ invoke: (c, i) => dispatch(c, i, { caller: 'test' }), on: () => () => {} }) };
}

/** The ApiError a request must be refused with; anything else (or success) fails the test. */
export async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}
