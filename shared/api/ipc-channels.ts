/** Electron IPC carries requests on their contract channel (`group.name`) and events on `event.<name>`. */
export function ipcEventChannel(eventName: string): string {
  return `event.${eventName}`;
}
