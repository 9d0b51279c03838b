import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/client';
import { appWords, fieldOf, toProblem } from './messages';

describe("the app's words", () => {
  it('rewrites the CLI words the main side may send into what the app shows', () => {
    expect(appWords('The name "web" is taken: restore a copy with a new name (--name).')).toBe('The name "web" is taken: restore a copy with a new name (the “Restore as a new container named” field).');
    expect(appWords('No container "x" on stasis-a. Run "stasis ps --host stasis-a" to see them.')).toBe('No container "x" on stasis-a. The Containers page lists them.');
    expect(appWords('Invalid input for hosts.add: a host name or address.')).toBe('That value is not accepted: a host name or address.');
    expect(appWords('Nothing to rewrite here.')).toBe('Nothing to rewrite here.');
  });

  it('names the field a refusal is about, and keeps the detail', () => {
    const p = toProblem(new ApiError('bad-request', 'Invalid input for hosts.add: hostName must be a host name or address.', 'at hostName'));
    expect(p).toEqual({ code: 'bad-request', message: 'That value is not accepted: hostName must be a host name or address.', detail: 'at hostName' });
    expect(fieldOf(p)).toBe('Address');
    expect(toProblem(new Error('plain'))).toEqual({ code: 'internal', message: 'plain' });
  });
});
