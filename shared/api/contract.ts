/**
 * The whole main↔renderer surface. Electron IPC and browser mode's WebSocket both carry exactly this;
 * channel names come from the keys here (`group.name`, `event.name`).
 */
import { z } from 'zod';
import { event, request, requestChannels, type ClientOf, type HandlersOf } from './define';
import { HostCapabilities, HostSummary, SshConfigHost } from '../domain/host';

const Empty = z.object({}).strict();

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const requests = {
  app: {
    info: request(Empty, AppInfo),
  },
  hosts: {
    list: request(Empty, z.array(HostSummary)),
    probe: request(z.object({ hostId: z.string().min(1).max(256) }).strict(), HostCapabilities),
    sshConfig: request(Empty, z.array(SshConfigHost)),
  },
} as const;

export const HostStatusEvent = z.object({ host: HostSummary });

export const events = {
  hostChanged: event(HostStatusEvent),
} as const;

export type Requests = typeof requests;
export type Events = typeof events;
export type StasisClient = ClientOf<Requests>;
export type StasisHandlers<Ctx> = HandlersOf<Requests, Ctx>;
export type RequestChannelName = `${keyof Requests & string}.${string}`;

export const REQUEST_CHANNELS = requestChannels(requests);
export const EVENT_NAMES = Object.keys(events).sort() as (keyof Events & string)[];
