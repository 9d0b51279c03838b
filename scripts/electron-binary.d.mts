export function findElectronBinary(): { path: string } | { why: string };
