import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_NAMES, REQUEST_CHANNELS, events, requests } from './contract';

// Every change to the main↔renderer surface shows up in review as a change to this snapshot.
describe('API contract', () => {
  it('has a stable surface', () => {
    const surface: Record<string, unknown> = {};
    for (const [group, defs] of Object.entries(requests)) {
      for (const [name, def] of Object.entries(defs)) {
        surface[`${group}.${name}`] = { input: z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }), output: z.toJSONSchema(def.output, { unrepresentable: 'any' }) };
      }
    }
    for (const [name, def] of Object.entries(events)) {
      surface[`event.${name}`] = z.toJSONSchema(def.payload, { unrepresentable: 'any' });
    }
    expect(surface).toMatchSnapshot();
  });

  it('derives one channel per request, each unique', () => {
    const count = Object.values(requests).reduce((n, g) => n + Object.keys(g).length, 0);
    expect(REQUEST_CHANNELS).toHaveLength(count);
    expect(new Set(REQUEST_CHANNELS).size).toBe(count);
    for (const c of REQUEST_CHANNELS) expect(c).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
    expect(EVENT_NAMES).toEqual(Object.keys(events).sort());
  });
});
