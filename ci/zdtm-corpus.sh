#!/bin/bash
# ci/zdtm-corpus.sh - a corpus of real CRIU dumps of CRIU's own zdtm test programs, for the reader's field-by-field
# comparison with crit (electron/inspect/zdtm-corpus.system.test.ts).
#
# CRIU's test programs are built from CRIU's own source at the installed version (Debian 13's `criu` source package,
# fetched through a private deb-src list on the same trixie mirror ci/provision.sh uses), never copied into Stasis.
# Each program is started as zdtm starts it (`make NAME.pid` in test/zdtm/static; options from its .desc), dumped
# with the real CRIU (`criu dump -t PID --shell-job` + the .desc's opts), and each dump is kept as a directory and
# as .tar.zst archives in three member orders: name order, a plain `tar --zstd -C DIR -cf X .` (directory order),
# and reverse name order (pages-N.img before its pagemap and mm). crit (crit4) then decodes every image and
# explores ps/fds/mems/rss, all in one python process, into each dump's crit/ directory: the test's oracle.
#
# Everything lands in $ZDTM_CACHE/corpus-<criu version>-r<recipe> and is reused while the CRIU version and the
# recipe below are unchanged (a re-run takes a second); a fresh machine builds it from scratch (about 2 minutes).
# Usage: ci/zdtm-corpus.sh [--force | --crit-only]    Env: ZDTM_CACHE (/var/cache/stasis-ci/zdtm), TRIXIE_MIRROR.
set -euo pipefail

CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LOG_TAG=zdtm-corpus
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$CI_DIR/lib.sh"

RECIPE=3 # bump when the program list, the options or the archive orders below change
ZDTM_CACHE=${ZDTM_CACHE:-/var/cache/stasis-ci/zdtm}
CRIU=${CRIU:-criu}
[ "$(id -u)" = 0 ] || die "must run as root (criu dump)"
command -v "$CRIU" >/dev/null || die "no criu (run ci/provision.sh first)"
command -v crit4 >/dev/null || die "no crit4 (run ci/provision.sh first)"
VERSION=$("$CRIU" --version | awk '/^Version:/ { print $2 }')
[ -n "$VERSION" ] || die "cannot tell the CRIU version"
OUT=$ZDTM_CACHE/corpus-$VERSION-r$RECIPE
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

# name | how it runs: h (the host's namespaces) or ipc (its own IPC and UTS namespaces, as zdtm's ns flavor gives) |
# what it leaves behind (for the reader). Options come from the program's .desc. Left out: programs whose dump needs
# what this machine's kernel lacks (inet and packet sockets: socket options it does not support; seccomp_filter),
# aio00/ofd_file_locks (their build needs headers bookworm does not install), and maps04 (half a gigabyte of pages).
# Programs that need a pid or mount namespace of their own (ns fds, mount namespaces) are left out: zdtm gives them
# one with its own init, which this script does not set up.
PROGRAMS="
pipe00 h pipes
pipe02 h pipe with queued data
fifo h fifo
fifo-ghost h unlinked (ghost) fifo
fifo_ro h read-only fifo
fifo_wronly h write-only fifo
sockets00 h unix stream sockets, bound paths
sockets01 h unix sockets, shutdown
sockets02 h unix socketpair
sockets03 h unix sockets, unlinked bound path
sockets_dgram h unix datagram sockets
socket_queues h unix queues with data
sk-unix-unconn h unconnected unix socket, abstract name
sk-unix-unconn-seqpacket h unconnected seqpacket socket, abstract name
sk-unix-rel h unix socket, relative path
sk-netlink h netlink sockets
sk-unix-dgram-ghost h unix dgram bound to an unlinked path
sk-unix01 h unix sockets in a deleted directory
del_standalone_un h standalone unix socket, path deleted
deleted_unix_sock h unix socket, path deleted
scm00 h SCM_RIGHTS fd in flight
scm01 h SCM_RIGHTS, several fds
scm02 h SCM_RIGHTS of a unix socket
scm03 h SCM_RIGHTS, several messages
scm04 h SCM_RIGHTS of a memfd
scm05 h SCM_CREDENTIALS
unlink_fstat00 h unlinked file (ghost)
unlink_fstat01 h unlinked file, another link
unlink_fstat02 h unlinked file, two fds
unlink_mmap00 h unlinked file held only by a mapping
unlink_mmap01 h unlinked files held by mappings
unlink_mmap02 h unlinked file, shared mapping
ghost_holes00 h ghost file with holes
link10 h link-remapped file
cwd00 h cwd
cwd01 h deleted cwd
cwd02 h deleted cwd, open fd on it
memfd00 h memfd
memfd01 h memfd mapped
memfd02 h memfd shared mapping
memfd03 h memfd sealed
eventfs00 h eventfd
epoll h epoll
epoll01 h epoll over several fds
signalfd00 h signalfd
timerfd h timerfd
inotify00 h inotify
fanotify00 h fanotify
pidfd_self h pidfd of itself
pidfd_dead h pidfd of a dead process
pidfd_diffdead h pidfds of dead processes
pidfd_kill h pidfd
pty00 h pty pair
pty01 h ptys
pty02 h pty
pty04 h pty, no controlling terminal
file_locks00 h posix locks
file_locks01 h flock locks
file_locks02 h locks held by two processes
file_locks06 h ofd locks
file_lease00 h leases
file_lease01 h read and write leases
file_lease02 h lease being broken
sem ipc SysV semaphores
msgque ipc SysV message queue
shm ipc SysV shared memory
shm-unaligned ipc SysV shared memory, unaligned size
ipc_namespace ipc IPC namespace limits
pthread00 h threads
pthread01 h threads with their own state
zombie00 h zombies
zombie01 h zombie
stopped h stopped task
stopped01 h stopped task
session00 h sessions and process groups (zdtm's ns flavor; they dump on the host too)
session01 h sessions, a dead session leader
seccomp_strict h seccomp strict
seccomp_filter_tsync h seccomp filters on every thread
rlimits00 h rlimits
chroot h chroot
chroot-file h chroot with an open file
timers h itimers
posix_timers h POSIX timers
aio01 h aio rings (aio00 needs libaio's header)
vdso00 h vdso
vdso01 h vdso, vvar
sigpending h pending signals
maps00 h mappings
maps01 h anonymous shared mappings
maps02 h madvise
maps05 h many mappings
env00 h environment
cmdlinenv00 h command line and environment
umask00 h umask
fd h many fds
selfexe00 h exe link
mprotect00 h mprotect
futex h futexes
busyloop00 h running task
"

# ---------------------------------------------------------------------------------------------------- source
fetch_source() {
  local apt=$ZDTM_CACHE/apt debver
  local src=$ZDTM_CACHE/src/criu-$VERSION
  if [ -f "$src/.stasis-extracted" ]; then return; fi
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$ZDTM_CACHE/src"
  local mirror=${TRIXIE_MIRROR:-}
  if [ -z "$mirror" ]; then mirror=$(awk '$1 == "deb" { print $2; exit }' /var/cache/stasis-ci/trixie-apt/sources.list 2>/dev/null || true); fi
  [ -n "$mirror" ] || mirror=$(debian_mirror)
  write_if_changed "$apt/sources.list" 644 "deb-src $mirror trixie main" || true
  local aptx=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o APT::Sandbox::User=root -o Acquire::Languages=none -o APT::Get::List-Cleanup=false)
  log "source: apt-get update of a private deb-src list ($mirror trixie)"
  run_logged "$ZDTM_CACHE/apt.log" apt-get "${aptx[@]}" update -q
  # The Debian revision of the criu package at the installed upstream version.
  debver=$(apt-cache "${aptx[@]}" showsrc criu | awk '/^Version:/ { print $2 }' | grep -E "^([0-9]+:)?$VERSION-" | head -n 1)
  [ -n "$debver" ] || die "source: no criu $VERSION source package in trixie at $mirror"
  # The orig tarball is CRIU's upstream release; its SHA256 comes from the signed Sources index. (Some mirrors
  # carry the orig tarball but not the .dsc; the Debian packaging is not needed to build the test programs.)
  local uris orig sum
  uris=$(apt-get "${aptx[@]}" source --print-uris "criu=$debver" 2>/dev/null | grep "^'")
  orig=$(awk '$2 ~ /\.orig\.tar\./ { print $2 }' <<<"$uris")
  sum=$(awk '$2 ~ /\.orig\.tar\./ { sub(/^SHA256:/, "", $4); print $4 }' <<<"$uris")
  if [ -z "$orig" ] || [ -z "$sum" ]; then die "source: criu=$debver lists no orig tarball"; fi
  (cd "$ZDTM_CACHE/src" && apt-get "${aptx[@]}" source --download-only "criu=$debver" >>"$ZDTM_CACHE/apt.log" 2>&1) || true
  [ -f "$ZDTM_CACHE/src/$orig" ] || die "source: could not download $orig (see $ZDTM_CACHE/apt.log)"
  echo "$sum  $ZDTM_CACHE/src/$orig" | sha256sum -c --quiet - || die "source: $orig does not match the index's SHA256"
  rm -rf "$src" "$src.tmp"
  mkdir -p "$src.tmp"
  tar -xf "$ZDTM_CACHE/src/$orig" -C "$src.tmp" --strip-components=1
  mv "$src.tmp" "$src"
  echo "criu=$debver $orig sha256=$sum" >"$src/.stasis-extracted"
  log "source: criu $debver extracted into $src"
}

# ---------------------------------------------------------------------------------------------------- build
build_programs() {
  local static=$1 names
  names=$(awk 'NF { print $1 }' <<<"$PROGRAMS" | tr '\n' ' ')
  log "build: zdtm lib + $(wc -w <<<"$names") test programs"
  run_logged "$ZDTM_CACHE/build.log" make -C "$static/../lib" -j2
  # shellcheck disable=SC2086
  run_logged "$ZDTM_CACHE/build.log" make -C "$static" -j2 -k $names || true
}

# The options zdtm passes to criu dump for a program: its .desc's 'opts'.
desc_opts() {
  local desc=$1
  [ -f "$desc" ] || return 0
  /usr/bin/python3 - "$desc" <<'PY'
import ast, sys
text = open(sys.argv[1]).read()
text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
try:
    d = ast.literal_eval(text.strip() or "{}")
except Exception:
    d = {}
print(d.get("opts", "") if isinstance(d, dict) else "")
PY
}

# Kills a process and everything below it (a program whose dump failed), by process id.
kill_tree() {
  local pid=$1 kid
  # shellcheck disable=SC2013 # the children files hold space-separated pids
  for kid in $(cat "/proc/$pid/task/"*/children 2>/dev/null); do kill_tree "$kid"; done
  kill -KILL "$pid" 2>/dev/null || true
}

dump_one() {
  local static=$1 name=$2 how=$3 dir=$OUT/dumps/$2 opts pid rc=0
  rm -rf "$dir"
  mkdir -p "$dir/images"
  (cd "$static" && rm -rf "$name.pid" "$name.out" "$name.out.inprogress" "$name.test" "$name.dir.test" "$name".test.* 2>/dev/null) || true
  [ -x "$static/$name" ] || { echo "not built" >"$dir/failed"; return 0; }
  opts=$(desc_opts "$static/$name.desc")
  # In a session of its own (some programs signal their whole process group), without the lock's fd (CRIU refuses
  # to dump a task that holds a lock it was not asked to dump).
  local start=(setsid -w make -s -C "$static" "$name.pid")
  [ "$how" = ipc ] && start=(unshare --ipc --uts -- "${start[@]}")
  if ! timeout 60 "${start[@]}" >"$dir/start.log" 2>&1 </dev/null 9>&-; then
    echo "did not start: $(tail -n 3 "$dir/start.log" | tr '\n' ' ')" >"$dir/failed"
    [ -s "$static/$name.pid" ] && kill_tree "$(cat "$static/$name.pid")"
    return 0
  fi
  pid=$(cat "$static/$name.pid")
  # shellcheck disable=SC2086
  timeout 120 "$CRIU" dump -t "$pid" -D "$dir/images" --shell-job -v4 -o dump.log $opts 9>&- || rc=$?
  if [ "$rc" != 0 ]; then
    echo "criu dump failed (exit $rc): $(grep -E 'Error|error' "$dir/images/dump.log" | tail -n 2 | tr '\n' ' ')" >"$dir/failed"
    kill_tree "$pid"
    return 0
  fi
  echo "$opts" >"$dir/opts"
  echo "$how" >"$dir/how"
  mv "$dir/images/dump.log" "$dir/dump.log"
  # Archives in three member orders; names as tar writes them for a directory ("./x.img").
  (cd "$dir/images" && find . -type f | LC_ALL=C sort >../members.name && LC_ALL=C sort -r ../members.name >../members.reverse)
  tar --zstd -C "$dir/images" -cf "$dir/name.tar.zst" --no-recursion -T "$dir/members.name"
  tar --zstd -C "$dir/images" -cf "$dir/plain.tar.zst" .
  tar --zstd -C "$dir/images" -cf "$dir/reverse.tar.zst" --no-recursion -T "$dir/members.reverse"
  tar -tf "$dir/plain.tar.zst" | grep -v '/$' >"$dir/members.plain"
  rm -f "$dir/members.name" "$dir/members.reverse"
  (cd "$static" && rm -rf "$name.pid" "$name.test" "$name.dir.test" "$name".test.* 2>/dev/null) || true
}

# crit, as a library in one python process: `crit decode` of every image and `crit x DIR ps|fds|mems|rss`.
run_crit() {
  log "crit: decoding $(find "$OUT/dumps" -name images -type d | wc -l) dumps"
  PYTHONPATH=/opt/criu4/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH} /usr/bin/python3 - "$OUT/dumps" <<'PY'
import contextlib, io, os, sys, traceback
import crit.__main__ as cm
from crit.__main__ import main

def forget():
    # crit's explorers cache files.img and file strings in module globals, made for one directory per process.
    cm.files_img = None
    cm.files_cache.clear()
    for ft in cm.file_types.values():
        ft["img"] = None

def crit(*args):
    """crit's output, and its traceback when it stopped (its explorers stop at a zombie: no mm or ids image)."""
    sys.argv = ["crit", *args]
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        try:
            main()
        except BaseException:
            error = traceback.format_exc()
    return out.getvalue(), error

root = sys.argv[1]
for name in sorted(os.listdir(root)):
    images = os.path.join(root, name, "images")
    if not os.path.isdir(images):
        continue
    out = os.path.join(root, name, "crit")
    os.makedirs(out, exist_ok=True)
    for f in sorted(os.listdir(images)):
        if not (f.endswith(".img") or f == "stats-dump") or f.startswith("pages-"):
            continue
        _, error = crit("decode", "-i", os.path.join(images, f), "-o", os.path.join(out, f + ".json"))
        if error:
            with open(os.path.join(out, f + ".error"), "w") as e:
                e.write(error)
    for what in ("ps", "fds", "mems", "rss"):
        forget()
        text, error = crit("x", images, what)
        with open(os.path.join(out, "x-" + what + ".txt"), "w") as o:
            o.write(text)
        if error:
            with open(os.path.join(out, "x-" + what + ".error"), "w") as e:
                e.write(error)
PY
}

main() {
  # One builder at a time (provisioning, a system test and an e2e spec may all ask at once); the others wait, then
  # find the corpus made.
  mkdir -p "$ZDTM_CACHE"
  exec 9>"$ZDTM_CACHE/.lock"
  flock 9
  if [ "${1:-}" = --crit-only ]; then # decode the dumps there are again (after a change to the step above)
    run_crit
    return 0
  fi
  if [ "${1:-}" != --force ] && [ -s "$OUT/manifest.tsv" ]; then
    log "corpus: $OUT present ($(awk '$2 == "ok"' "$OUT/manifest.tsv" | wc -l) dumps)"
    echo "$OUT"
    return 0
  fi
  fetch_source
  local static=$ZDTM_CACHE/src/criu-$VERSION/test/zdtm/static
  build_programs "$static"
  rm -rf "$OUT" "$ZDTM_CACHE/corpus-$VERSION-r"*
  mkdir -p "$OUT/dumps"
  log "dump: $(awk 'NF' <<<"$PROGRAMS" | wc -l) programs with criu $VERSION"
  local name how what n=0 ok=0
  while read -r name how what; do
    [ -n "$name" ] || continue
    n=$((n + 1))
    dump_one "$static" "$name" "$how"
    if [ -e "$OUT/dumps/$name/failed" ]; then
      log "dump: $name: $(cat "$OUT/dumps/$name/failed")"
      printf '%s\tfailed\t%s\t%s\n' "$name" "$how" "$(cat "$OUT/dumps/$name/failed")" >>"$OUT/manifest.tsv.tmp"
    else
      ok=$((ok + 1))
      printf '%s\tok\t%s\t%s\n' "$name" "$how" "$what" >>"$OUT/manifest.tsv.tmp"
    fi
  done <<<"$PROGRAMS"
  run_crit
  mv "$OUT/manifest.tsv.tmp" "$OUT/manifest.tsv"
  log "corpus: $ok of $n programs dumped into $OUT"
  echo "$OUT"
}

main "$@"
