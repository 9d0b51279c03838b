/**
 * The python3 program both image benches run in a container: 300 children, each holding 2 pipes, `socketpairs` unix
 * socketpairs and 16 files, then exec'ing `sleep` (the fds stay, each process is ~100 KiB of memory), so the
 * checkpoint is metadata-heavy. `parentHolds`: fds (/dev/null) the parent keeps open too, which the children close.
 * Prints "ready" once every child is sleep. Few pipes: CRIU stages every pipe's data in a pipe of its own and runs out
 * of pipe pages ("OOM storing pipe") at ~3,600.
 */
export function fdTreeWorkload(o: { socketpairs: number; parentHolds?: number }): string {
  const held = o.parentHolds ? `held = [os.open('/dev/null', os.O_RDONLY) for _ in range(${o.parentHolds})]\n` : '';
  const close = o.parentHolds ? '        for fd in held: os.close(fd)\n' : '';
  return `
import os, signal, socket, time
${held}kids = []
for i in range(300):
    pid = os.fork()
    if pid == 0:
${close}        keep = []
        for _ in range(2): keep.extend(os.pipe())
        for _ in range(${o.socketpairs}): keep.extend(s.detach() for s in socket.socketpair())
        for j in range(16): keep.append(os.open('/tmp/f-%d-%d' % (i, j), os.O_WRONLY | os.O_CREAT))
        for fd in keep: os.set_inheritable(fd, True)
        os.execv('/bin/sleep', ['sleep', 'infinity'])
    kids.append(pid)
while any(open('/proc/%d/comm' % k).read().strip() != 'sleep' for k in kids): time.sleep(0.1)
print('ready', flush=True)
while True: signal.pause()
`;
}
