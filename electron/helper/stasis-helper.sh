#!/bin/sh
# stasis-helper — the one program Stasis runs as root (directly, through pkexec, or `sudo -n`).
#
# Contract: `stasis-helper VERB [ARG...]` (verbs: version info ps checkpoint restore list inspect delete retain
# images send receive cancel procs container). Every argument is checked against a strict pattern before anything
# runs; there is no eval and every tool gets an argument list. Output is JSON lines: zero or more
# {"event":"progress",...} lines, then exactly one {"result":...} or {"error":{"code":...,"message":...}}.
# (`send` is the exception: its stdout is a raw tar stream.)
#
# Store: /var/lib/stasis/hosts/<hostname>/ (0700). Keyed by hostname so machines that share /var/lib (NFS, or
# test namespaces on one box) never see each other's checkpoints.
#   checkpoints/<id>/  meta.json  archive.tar[.gz|.zst]  images/ (CRIU images without pages-*.img)  stats.json
#   tmp/<id>/          work in progress; renamed into checkpoints/ only when complete, so a crash never lists
#                      half a checkpoint
#   lineage/<runtime>-<container>   "<lineage-id> <last-checkpoint-id>"
#   locks/<runtime>-<container>.lock   flock: one operation per container at a time
#   ops/<op-id>.pid    the helper pid of a running operation, for `cancel`

set -u
umask 077
STASIS_HELPER_VERSION='1.0.2'
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
STORE_ROOT=/var/lib/stasis

CHILD=''
REPORTER=''
VERJOB=''
TMPDIR_OP=''
OPFILE=''
LEFT_OUT=''

# ---------------------------------------------------------------------------------------------- output

json_esc() {
  printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037' | tr '\t\n\r' '   ' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

progress() { # phase bytes
  printf '{"event":"progress","phase":"%s","bytes":%s}\n' "$1" "${2:-0}"
}

result() { printf '{"result":%s,"v":"%s"}\n' "$1" "$STASIS_HELPER_VERSION"; }

cleanup() {
  if [ -n "$REPORTER" ]; then kill "$REPORTER" 2>/dev/null; fi
  if [ -n "$CHILD" ]; then kill "$CHILD" 2>/dev/null; fi
  if [ -n "$TMPDIR_OP" ] && [ -d "$TMPDIR_OP" ]; then rm -rf "$TMPDIR_OP"; fi
  if [ -n "$OPFILE" ]; then rm -f "$OPFILE"; fi
  CHILD=''
  TMPDIR_OP=''
  OPFILE=''
}

fail() { # code message [detail]
  printf '{"error":{"code":"%s","message":"%s","detail":"%s"},"v":"%s"}\n' "$1" "$(json_esc "$2")" "$(json_esc "${3:-}")" "$STASIS_HELPER_VERSION"
  cleanup
  exit 1
}

on_signal() {
  fail cancelled "The operation was cancelled; nothing was stored."
}
trap on_signal INT TERM HUP

# ---------------------------------------------------------------------------------------------- validation

# Checked first, on every raw argument: a small alphabet, no "..", bounded length and count.
check_raw_args() {
  [ $# -le 40 ] || fail bad-request "Too many arguments for the Stasis helper."
  for a in "$@"; do
    [ ${#a} -le 1400 ] || fail bad-request "An argument is longer than the Stasis helper accepts."
    case $a in
      *[!A-Za-z0-9_.:/=+,@-]*) fail bad-request "An argument contains a character the Stasis helper refuses." ;;
      *..*) fail bad-request "An argument contains \"..\", which the Stasis helper refuses." ;;
    esac
  done
}

is_name() { # container / pod names and ids, as podman and docker allow them
  [ ${#1} -ge 1 ] && [ ${#1} -le 128 ] || return 1
  case $1 in [!A-Za-z0-9]* | *[!A-Za-z0-9_.-]*) return 1 ;; esac
}
is_pid() {
  [ ${#1} -ge 1 ] && [ ${#1} -le 10 ] || return 1
  case $1 in 0* | *[!0-9]*) return 1 ;; esac
}
is_ckid() {
  [ ${#1} -ge 8 ] && [ ${#1} -le 64 ] || return 1
  case $1 in ck-*) ;; *) return 1 ;; esac
  case $1 in *[!a-z0-9-]*) return 1 ;; esac
}
is_opid() {
  [ ${#1} -ge 8 ] && [ ${#1} -le 64 ] || return 1
  case $1 in *[!a-z0-9-]*) return 1 ;; esac
}
is_count() {
  [ ${#1} -ge 1 ] && [ ${#1} -le 4 ] || return 1
  case $1 in *[!0-9]*) return 1 ;; esac
}
is_publish() { # podman -p: [ip:][hostPort:]containerPort[/proto]
  [ ${#1} -ge 1 ] && [ ${#1} -le 64 ] || return 1
  case $1 in *[!0-9a-z.:/-]*) return 1 ;; esac
}
is_left_out() { # the caller's record of processes a checkpoint leaves out: "7:sleep,12:sh,+3"
  [ ${#1} -ge 1 ] && [ ${#1} -le 1400 ] || return 1
  case $1 in *[!A-Za-z0-9_.:,+-]*) return 1 ;; esac
}
is_b64() {
  [ ${#1} -ge 4 ] && [ ${#1} -le 1368 ] || return 1
  case $1 in *[!A-Za-z0-9+/=]*) return 1 ;; esac
}
need() { # value validator what
  "$2" "$1" || fail bad-request "Invalid $3."
}

# ---------------------------------------------------------------------------------------------- store

host_name() {
  h=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)
  is_name "$h" || h=localhost
  printf '%s' "$h"
}

store_init() {
  HOSTNAME_S=$(host_name)
  HS=$STORE_ROOT/hosts/$HOSTNAME_S
  if [ ! -d "$HS/checkpoints" ]; then
    mkdir -p "$HS/checkpoints" "$HS/tmp" "$HS/lineage" "$HS/locks" "$HS/ops" ||
      fail permission-denied "Cannot create the Stasis store in $STORE_ROOT: run the helper as root."
  fi
  chmod 0700 "$STORE_ROOT" "$STORE_ROOT/hosts" "$HS" 2>/dev/null
}

lock_container() { # key
  command -v flock >/dev/null 2>&1 || fail operation-failed "flock is missing on this host: install util-linux."
  exec 9>"$HS/locks/$1.lock"
  flock -n 9 || fail busy "Another Stasis operation is running on this container. Wait for it to finish, or cancel it."
}

register_op() { # op-id
  [ -n "$1" ] || return 0
  OPFILE=$HS/ops/$1.pid
  printf '%s\n' "$$" >"$OPFILE"
}

new_ckid() {
  printf 'ck-%s-%s' "$(date -u +%Y%m%d%H%M%S)" "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
}

now_iso() { date -u +%Y-%m-%dT%H:%M:%SZ; }

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

file_size() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else printf 0; fi; }

dir_bytes() { # apparent size in bytes
  du -sb "$1" 2>/dev/null | cut -f1 || printf 0
}

archive_of() { # checkpoint dir -> archive path
  for f in "$1"/archive.tar "$1"/archive.tar.gz "$1"/archive.tar.zst; do
    if [ -f "$f" ]; then printf '%s' "$f"; return 0; fi
  done
  return 1
}

read_ident() { # dir -> RT CID CNAME IMAGE
  RT='' CID='' CNAME='' IMAGE=''
  [ -f "$1/ident" ] || return 1
  read -r RT CID CNAME IMAGE <"$1/ident" || return 1
  [ -n "$CID" ]
}

# Runs a tool in the background so that a signal can reach the trap, reporting the archive size meanwhile.
run_watched() { # phase watchfile stdout stderr cmd...
  phase=$1 watch=$2 so=$3 se=$4
  shift 4
  if [ "$phase" = restore ]; then
    # Restores leave long-lived processes behind (conmon): they must not inherit the container lock.
    "$@" >"$so" 2>"$se" 9>&- &
  else
    # A dump keeps the lock even if the helper dies: the orphaned tool still owns the container.
    "$@" >"$so" 2>"$se" &
  fi
  CHILD=$!
  if [ -n "$TMPDIR_OP" ]; then printf '%s %s\n' "$$" "$CHILD" >"$TMPDIR_OP/owner"; fi
  progress "$phase" 0
  # The reporter runs beside the tool so that waiting for the tool adds no polling delay; each progress line
  # is one short write, so lines never interleave.
  (
    trap - INT TERM HUP
    while :; do
      # Killing this loop leaves its current sleep running for up to 0.25 s; it must not hold our stdout,
      # or the caller, who waits for stdout to close, waits for it too.
      sleep 0.25 >/dev/null 2>&1
      progress "$phase" "$(file_size "$watch")"
    done
  ) 9>&- &
  REPORTER=$!
  wait "$CHILD"
  rc=$?
  kill "$REPORTER" 2>/dev/null
  wait "$REPORTER" 2>/dev/null
  REPORTER=''
  CHILD=''
  return $rc
}

tail_text() { tail -n 8 "$1" 2>/dev/null | grep -v 'rlimit' | tail -n 4; }

# Keeps images browsable without reading pages: the non-page CRIU images sit beside the archive.
extract_images() { # dir archive
  mkdir -p "$1/images"
  case $RT in
    podman) tar -xf "$2" -C "$1/images" --exclude='pages-*.img' --exclude='rootfs-diff.tar' --exclude='volumes' 2>/dev/null ;;
    *) tar -xf "$2" -C "$1/images" --exclude='pages-*.img' 2>/dev/null ;;
  esac
}

pages_bytes() { # archive [stats.json] -> bytes of memory pages in it
  # CRIU's own count (podman --print-stats) saves reading the whole archive again, which for a compressed one
  # means decompressing it a second time.
  if [ -s "${2:-}" ]; then
    pw=$(sed -n 's/.*"pages_written": *\([0-9][0-9]*\).*/\1/p' "$2" | head -n 1)
    if [ -n "$pw" ]; then
      printf '%d' "$((pw * 4096))"
      return 0
    fi
  fi
  tar -tvf "$1" 2>/dev/null | awk '$NF ~ /pages-[0-9]+\.img$/ { s += $3 } END { printf "%d", s }'
}

# Asking podman or the CRIU wrapper for a version costs a noticeable fraction of a checkpoint: cache the
# answer per binary, keyed by its path, size and mtime.
version_of() {
  bin=$(command -v "$1" 2>/dev/null) || return 0
  key=$(stat -L -c '%n %s %Y' "$bin" 2>/dev/null)
  cache=$HS/cache/version-$1
  if [ -f "$cache" ] && [ "$(head -n 1 "$cache")" = "$key" ]; then
    sed -n 2p "$cache"
    return 0
  fi
  v=$(version_raw "$1")
  mkdir -p "$HS/cache"
  printf '%s\n%s\n' "$key" "$v" >"$cache.$$" && mv "$cache.$$" "$cache"
  printf '%s\n' "$v"
}

version_raw() {
  case $1 in
    podman) podman version --format '{{.Client.Version}}' 2>/dev/null | head -n 1 ;;
    docker) docker version --format '{{.Server.Version}}' 2>/dev/null | head -n 1 ;;
    criu) criu --version 2>/dev/null | sed -n 's/^Version: *//p' | head -n 1 ;;
  esac
}

# Writes meta.json and renames the work dir into checkpoints/. Used after a dump, and to adopt the complete
# archive of a helper that died after the runtime finished.
finalize() { # tmpdir recovered(true|false)
  d=$1
  read_ident "$d" || return 1
  ck=$(basename "$d")
  arch=$(archive_of "$d") || return 1
  progress images "$(file_size "$arch")"
  extract_images "$d" "$arch"
  created=$(cat "$d/created" 2>/dev/null || now_iso)
  lineage=$ck parent=''
  if [ -f "$d/lineage" ]; then read -r lineage parent <"$d/lineage"; fi
  opts=$(cat "$d/options" 2>/dev/null)
  note=''
  if [ -f "$d/note" ]; then note=$(json_esc "$(cat "$d/note")"); fi
  left=''
  if [ -f "$d/left-out" ]; then left=$(head -c 1400 "$d/left-out"); is_left_out "$left" || left=''; fi
  kind=checkpoint
  if [ -f "$d/kind" ]; then kind=$(cat "$d/kind"); fi
  rtv=$(cat "$d/version.runtime" 2>/dev/null || version_of "$RT")
  criuv=$(cat "$d/version.criu" 2>/dev/null || version_of criu)
  rm -f "$d/version.runtime" "$d/version.criu"
  stats=false
  if [ -s "$d/stats.json" ] && [ "$(head -c 1 "$d/stats.json")" = '{' ]; then stats=true; fi
  parent_json=null
  if [ -n "$parent" ]; then parent_json="\"$parent\""; fi
  printf '{"id":"%s","kind":"%s","host":"%s","created":"%s","container":{"runtime":"%s","id":"%s","name":"%s","image":"%s"},"lineage":"%s","parent":%s,"versions":{"runtime":"%s","criu":"%s","kernel":"%s","helper":"%s"},"options":[%s],"sizes":{"archive":%s,"pages":%s,"images":%s},"archive":"%s","hasStats":%s,"recovered":%s,"note":"%s","leftOut":"%s"}\n' \
    "$ck" "$kind" "$HOSTNAME_S" "$created" "$RT" "$CID" "$CNAME" "$(json_esc "$IMAGE")" "$lineage" "$parent_json" \
    "$(json_esc "$rtv")" "$(json_esc "$criuv")" "$(uname -r)" "$STASIS_HELPER_VERSION" "$opts" \
    "$(file_size "$arch")" "$(pages_bytes "$arch" "$d/stats.json")" "$(dir_bytes "$d/images")" "$(basename "$arch")" "$stats" "$2" "$note" "$left" \
    >"$d/meta.json.tmp" || return 1
  mv "$d/meta.json.tmp" "$d/meta.json" || return 1
  rm -f "$d/owner"
  : # no syncfs: it would flush the whole archive and cost as much as the dump itself
  mv "$d" "$HS/checkpoints/$ck" || return 1
  printf '%s %s\n' "$lineage" "$ck" >"$HS/lineage/$RT-$CID.tmp" && mv "$HS/lineage/$RT-$CID.tmp" "$HS/lineage/$RT-$CID"
}

archive_complete() { # archive runtime
  case $2 in
    podman) tar -tf "$1" 2>/dev/null | grep -q '^checkpoint/inventory.img$' ;;
    *) tar -tf "$1" 2>/dev/null | grep -q '^\(\./\)\{0,1\}inventory.img$' ;;
  esac
}

container_running() { # runtime cid
  case $1 in
    podman) [ "$(podman container inspect --format '{{.State.Status}}' "$2" 2>/dev/null)" = running ] ;;
    docker) [ "$(docker inspect --format '{{.State.Status}}' "$2" 2>/dev/null)" = running ] ;;
    process) pid_alive "$2" ;;
  esac
}

# Work dirs whose helper and tool are both gone: adopt a complete archive whose container is no longer running
# (the dump finished after the helper died, so it is the only way back), drop everything else.
sweep() {
  for d in "$HS"/tmp/*; do
    [ -d "$d" ] || continue
    hp='' cp=''
    if [ -f "$d/owner" ]; then read -r hp cp <"$d/owner"; fi
    if pid_alive "$hp" || pid_alive "$cp"; then continue; fi
    adopted=false
    if is_ckid "$(basename "$d")" && read_ident "$d" && arch=$(archive_of "$d") && archive_complete "$arch" "$RT" &&
      ! container_running "$RT" "$CID"; then
      if finalize "$d" true >/dev/null; then adopted=true; fi
    fi
    if [ "$adopted" = false ]; then rm -rf "$d"; fi
  done
}

retention() { # runtime cid keep [id-to-keep]
  [ "$3" -gt 0 ] || return 0
  total=0
  for m in "$HS"/checkpoints/ck-*; do
    if ident_is "$m" "$1" "$2"; then total=$((total + 1)); fi
  done
  drop=$((total - $3))
  # Oldest first by the time each entered the store (ids name only the second, so two checkpoints made in one
  # second would sort by their random part); the one just made is never dropped. Ids match ck-[a-z0-9-]+,
  # so ls output is safe to split.
  # shellcheck disable=SC2045
  for m in $(ls -1dtr "$HS"/checkpoints/ck-* 2>/dev/null); do
    [ "$drop" -gt 0 ] || break
    b=$(basename "$m")
    [ "$b" != "${4:-}" ] || continue
    ident_is "$m" "$1" "$2" || continue
    mv "$m" "$HS/tmp/del-$b" && rm -rf "$HS/tmp/del-$b"
    drop=$((drop - 1))
  done
}

ident_is() { # dir runtime cid
  [ -f "$1/ident" ] || return 1
  read -r r c _ <"$1/ident" || return 1
  [ "$r" = "$2" ] && [ "$c" = "$3" ]
}

# ---------------------------------------------------------------------------------------------- verbs

verb_version() { result "{\"version\":\"$STASIS_HELPER_VERSION\"}"; }

verb_info() {
  store_init
  criuv=$(version_of criu)
  result "{\"version\":\"$STASIS_HELPER_VERSION\",\"uid\":$(id -u),\"host\":\"$HOSTNAME_S\",\"store\":\"$HS\",\"kernel\":\"$(uname -r)\",\"criu\":\"$(json_esc "$criuv")\"}"
}

verb_ps() {
  [ $# -eq 0 ] || fail bad-request "ps takes no arguments."
  pj='[]' dj='' derr=''
  if command -v podman >/dev/null 2>&1; then
    pj=$(podman ps -a --format json 2>/dev/null | tr '\n' ' ')
    [ -n "$pj" ] || pj='[]'
  fi
  if command -v docker >/dev/null 2>&1; then
    if dl=$(timeout 10 docker ps -a --no-trunc --format '{{json .}}' 2>/dev/null); then
      dj=$(printf '%s\n' "$dl" | sed '/^$/d' | paste -sd, -)
    else
      derr='The Docker daemon is not running or not reachable.'
    fi
  fi
  result "{\"podman\":$pj,\"docker\":[$dj],\"dockerError\":\"$derr\"}"
}

# podman checkpoint options -> podman flags; also records them for meta.json
podman_ckpt_opts() {
  n=$#
  OPTS_JSON='' KEEP_LAST=0 OP='' NOTE_B64='' KIND=checkpoint PREV=''
  while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    case $a in
      --leave-running | --tcp-established | --file-locks | --ignore-rootfs | --ignore-volumes | --keep) set -- "$@" "$a" ;;
      --compress=none | --compress=gzip | --compress=zstd) set -- "$@" "$a" ;;
      --pre-checkpoint) set -- "$@" "$a"; KIND=pre ;;
      --with-previous=*) PREV=${a#--with-previous=}; need "$PREV" is_ckid "previous checkpoint id"; set -- "$@" --with-previous; a=--with-previous ;;
      --keep-last=*) KEEP_LAST=${a#--keep-last=}; need "$KEEP_LAST" is_count "--keep-last count"; continue ;;
      --op=*) OP=${a#--op=}; need "$OP" is_opid "operation id"; continue ;;
      --note-b64=*) NOTE_B64=${a#--note-b64=}; need "$NOTE_B64" is_b64 "note"; continue ;;
      --left-out=*) LEFT_OUT=${a#--left-out=}; need "$LEFT_OUT" is_left_out "left-out record"; continue ;;
      *) fail bad-request "Unknown checkpoint option." ;;
    esac
    OPTS_JSON="$OPTS_JSON${OPTS_JSON:+,}\"$a\""
  done
  PODMAN_OPTS="$*"
}

begin_checkpoint() { # runtime cid name image
  lock_container "$1-$2"
  sweep
  register_op "$OP"
  CK=$(new_ckid)
  TMPDIR_OP=$HS/tmp/$CK
  mkdir "$TMPDIR_OP" || fail operation-failed "Cannot create a work directory in the Stasis store."
  printf '%s %s\n' "$$" '' >"$TMPDIR_OP/owner"
  printf '%s %s %s %s\n' "$1" "$2" "$3" "$4" >"$TMPDIR_OP/ident"
  now_iso >"$TMPDIR_OP/created"
  printf '%s' "$OPTS_JSON" >"$TMPDIR_OP/options"
  printf '%s' "$KIND" >"$TMPDIR_OP/kind"
  if [ -n "$NOTE_B64" ]; then printf '%s' "$NOTE_B64" | base64 -d 2>/dev/null | head -c 1024 >"$TMPDIR_OP/note"; fi
  if [ -n "$LEFT_OUT" ]; then printf '%s' "$LEFT_OUT" >"$TMPDIR_OP/left-out"; fi
  if [ -f "$HS/lineage/$1-$2" ]; then
    read -r lin last <"$HS/lineage/$1-$2"
    printf '%s %s\n' "$lin" "$last" >"$TMPDIR_OP/lineage"
  fi
  if [ -n "$PREV" ]; then
    lin=$CK
    if [ -f "$HS/lineage/$1-$2" ]; then read -r lin _ <"$HS/lineage/$1-$2"; fi
    printf '%s %s\n' "$lin" "$PREV" >"$TMPDIR_OP/lineage"
  fi
  RT=$1 CID=$2
  # Asked while the dump runs, so they cost no time.
  (version_of "$1" >"$TMPDIR_OP/version.runtime" 2>/dev/null; version_of criu >"$TMPDIR_OP/version.criu" 2>/dev/null) 9>&- &
  VERJOB=$!
}

end_checkpoint() {
  wait "$VERJOB" 2>/dev/null
  finalize "$TMPDIR_OP" false || fail operation-failed "The checkpoint was taken but could not be stored." "$TMPDIR_OP"
  TMPDIR_OP=''
  retention "$RT" "$CID" "$KEEP_LAST" "$CK"
  progress "done" "$(file_size "$(archive_of "$HS/checkpoints/$CK")")"
  if [ -n "$OPFILE" ]; then rm -f "$OPFILE"; OPFILE=''; fi
  result "$(cat "$HS/checkpoints/$CK/meta.json")"
}

map_runtime_error() { # logfile what
  msg=$(tail_text "$1")
  case $msg in
    *'not support'*checkpoint* | *'does not support'* | *'CRIU'*'not'*'installed'* | *'checkpoint/restore'*'not'*)
      fail runtime-cannot-checkpoint "$2: the container runtime cannot checkpoint. Use runc with CRIU 4 (podman: runtime = \"runc\"; Docker: experimental mode)." "$msg" ;;
    *'missing features'* | *'pre-dump'* | *'dirty'*)
      fail not-supported "$2: this kernel does not track dirty memory, so pre-checkpoints are not possible here." "$msg" ;;
    *'no such container'* | *'No such container'*)
      fail not-found "$2: the container no longer exists." "$msg" ;;
    *) fail operation-failed "$2 failed. See the detail for the runtime's last words." "$msg" ;;
  esac
}

ckpt_podman() {
  ref=$1
  shift
  need "$ref" is_name "container name or id"
  podman_ckpt_opts "$@"
  info=$(podman container inspect --format '{{.ID}} {{.Name}} {{.State.Status}} {{.ImageName}}' "$ref" 2>/dev/null) ||
    fail not-found "No podman container \"$ref\" on this host. Run \"stasis ps\" to see the containers."
  set -f
  # shellcheck disable=SC2086 # word splitting of podman's own one-line answer is intended
  set -- $info
  set +f
  cid=$1 cname=$2 state=$3 image=${4:-}
  if [ "$KIND" = pre ] || [ -n "$PREV" ]; then
    criu check --feature mem_dirty_track >/dev/null 2>&1 ||
      fail not-supported "This kernel does not track dirty memory (soft-dirty), so pre-checkpoints are not possible here. Take a full checkpoint instead."
  fi
  [ "$state" = running ] || fail bad-request "Container \"$cname\" is $state; only running containers can be checkpointed."
  begin_checkpoint podman "$cid" "$cname" "$image"
  comp=none
  case " $PODMAN_OPTS " in *' --compress=gzip '*) comp=gzip ;; *' --compress=zstd '*) comp=zstd ;; esac
  arch=$TMPDIR_OP/archive.tar
  case $comp in gzip) arch=$arch.gz ;; zstd) arch=$arch.zst ;; esac
  set -f
  # shellcheck disable=SC2086 # PODMAN_OPTS holds only validated flags from the fixed list above
  set -- $PODMAN_OPTS
  set +f
  case " $PODMAN_OPTS " in *' --compress='*) ;; *) set -- "$@" --compress=none ;; esac
  if [ -n "$PREV" ]; then
    [ -d "$HS/checkpoints/$PREV" ] || fail not-found "Previous checkpoint $PREV is not in the store."
  fi
  run_watched dump "$arch" "$TMPDIR_OP/stats.out" "$TMPDIR_OP/runtime.log" \
    podman container checkpoint --export "$arch" --print-stats "$@" "$cid" ||
    map_runtime_error "$TMPDIR_OP/runtime.log" "podman checkpoint"
  tr '\n' ' ' <"$TMPDIR_OP/stats.out" >"$TMPDIR_OP/stats.json"
  rm -f "$TMPDIR_OP/stats.out"
  end_checkpoint
}

ckpt_docker() {
  ref=$1
  shift
  need "$ref" is_name "container name or id"
  OPTS_JSON='' KEEP_LAST=0 OP='' NOTE_B64='' KIND=checkpoint PREV='' leave=''
  for a in "$@"; do
    case $a in
      --leave-running) leave=--leave-running ;;
      --keep-last=*) KEEP_LAST=${a#--keep-last=}; need "$KEEP_LAST" is_count "--keep-last count"; continue ;;
      --op=*) OP=${a#--op=}; need "$OP" is_opid "operation id"; continue ;;
      --note-b64=*) NOTE_B64=${a#--note-b64=}; need "$NOTE_B64" is_b64 "note"; continue ;;
      --left-out=*) LEFT_OUT=${a#--left-out=}; need "$LEFT_OUT" is_left_out "left-out record"; continue ;;
      *) fail bad-request "Docker checkpoints take only --leave-running." ;;
    esac
    OPTS_JSON="$OPTS_JSON${OPTS_JSON:+,}\"$a\""
  done
  info=$(docker inspect --format '{{.Id}} {{.Name}} {{.State.Status}} {{.Config.Image}}' "$ref" 2>/dev/null) ||
    fail not-found "No Docker container \"$ref\" on this host. Run \"stasis ps\" to see the containers."
  set -f
  # shellcheck disable=SC2086 # docker's own one-line answer
  set -- $info
  set +f
  cid=$1 cname=${2#/} state=$3 image=${4:-}
  [ "$state" = running ] || fail bad-request "Container \"$cname\" is $state; only running containers can be checkpointed."
  [ "$(docker info --format '{{.ExperimentalBuild}}' 2>/dev/null)" = true ] ||
    fail runtime-cannot-checkpoint "Docker checkpoints need the daemon in experimental mode: set \"experimental\": true in /etc/docker/daemon.json and restart dockerd."
  begin_checkpoint docker "$cid" "$cname" "$image"
  # Recreating the container elsewhere needs its command; one argument per line.
  docker inspect --format '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$cid" >"$TMPDIR_OP/entrypoint" 2>/dev/null
  docker inspect --format '{{range .Config.Cmd}}{{println .}}{{end}}' "$cid" >"$TMPDIR_OP/cmd" 2>/dev/null
  docker inspect --format '{{.Config.Tty}} {{.Config.OpenStdin}}' "$cid" >"$TMPDIR_OP/tty" 2>/dev/null
  dname=$(basename "$TMPDIR_OP")
  if [ -n "$leave" ]; then
    run_watched dump /dev/null "$TMPDIR_OP/stats.out" "$TMPDIR_OP/runtime.log" docker checkpoint create --leave-running "$cid" "$dname" ||
      map_runtime_error "$TMPDIR_OP/runtime.log" "docker checkpoint"
  else
    run_watched dump /dev/null "$TMPDIR_OP/stats.out" "$TMPDIR_OP/runtime.log" docker checkpoint create "$cid" "$dname" ||
      map_runtime_error "$TMPDIR_OP/runtime.log" "docker checkpoint"
  fi
  rm -f "$TMPDIR_OP/stats.out"
  src=/var/lib/docker/containers/$cid/checkpoints/$dname
  [ -d "$src" ] || fail operation-failed "Docker reported success but its checkpoint directory is missing." "$src"
  progress store 0
  tar -cf "$TMPDIR_OP/archive.tar" -C "$src" . || fail operation-failed "Could not archive the Docker checkpoint."
  docker checkpoint rm "$cid" "$dname" >/dev/null 2>&1 || rm -rf "$src"
  end_checkpoint
}

ckpt_process() {
  pid=$1
  shift
  need "$pid" is_pid "process id"
  OPTS_JSON='' KEEP_LAST=0 OP='' NOTE_B64='' KIND=checkpoint PREV=''
  n=$#
  while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    case $a in
      --leave-running | --tcp-established | --file-locks) set -- "$@" "$a" ;;
      --keep-last=*) KEEP_LAST=${a#--keep-last=}; need "$KEEP_LAST" is_count "--keep-last count"; continue ;;
      --op=*) OP=${a#--op=}; need "$OP" is_opid "operation id"; continue ;;
      --note-b64=*) NOTE_B64=${a#--note-b64=}; need "$NOTE_B64" is_b64 "note"; continue ;;
      *) fail bad-request "Process checkpoints take --leave-running, --tcp-established and --file-locks." ;;
    esac
    OPTS_JSON="$OPTS_JSON${OPTS_JSON:+,}\"$a\""
  done
  [ -d "/proc/$pid" ] || fail not-found "No process $pid on this host."
  [ "$pid" -gt 1 ] || fail bad-request "Stasis does not checkpoint the init process."
  comm=$(tr -d '\n' <"/proc/$pid/comm" | tr -c 'A-Za-z0-9_.-' '_' | head -c 64)
  command -v criu >/dev/null 2>&1 || fail criu-missing "CRIU is not installed on this host: install CRIU 4 or newer."
  begin_checkpoint process "$pid" "${comm:-process}" -
  mkdir "$TMPDIR_OP/checkpoint"
  # --shell-job: trees started from a shell share its session; CRIU refuses them otherwise.
  run_watched dump /dev/null "$TMPDIR_OP/stats.out" "$TMPDIR_OP/runtime.log" \
    criu dump -t "$pid" -D "$TMPDIR_OP/checkpoint" -o dump.log --shell-job "$@" ||
    { cp "$TMPDIR_OP/checkpoint/dump.log" "$TMPDIR_OP/runtime.log" 2>/dev/null; map_runtime_error "$TMPDIR_OP/runtime.log" "criu dump"; }
  rm -f "$TMPDIR_OP/stats.out"
  progress store 0
  tar -cf "$TMPDIR_OP/archive.tar" -C "$TMPDIR_OP/checkpoint" . || fail operation-failed "Could not archive the CRIU images."
  rm -rf "$TMPDIR_OP/checkpoint"
  end_checkpoint
}

verb_checkpoint() {
  [ $# -ge 2 ] || fail bad-request "usage: checkpoint podman|docker|process CONTAINER [OPTION...]"
  rt=$1
  shift
  store_init
  case $rt in
    podman) ckpt_podman "$@" ;;
    docker) ckpt_docker "$@" ;;
    process) ckpt_process "$@" ;;
    *) fail bad-request "Unknown runtime; use podman, docker or process." ;;
  esac
}

lineage_for_new() { # runtime newcid
  lin=$(sed -n 's/.*"lineage":"\([a-z0-9-]*\)".*/\1/p' "$D/meta.json")
  printf '%s %s\n' "${lin:-$ID}" "$ID" >"$HS/lineage/$1-$2.tmp" && mv "$HS/lineage/$1-$2.tmp" "$HS/lineage/$1-$2"
}

restore_podman() { # opts...
  n=$# NEWNAME=''
  while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    case $a in
      --keep | --tcp-established | --ignore-static-ip | --ignore-static-mac | --ignore-rootfs | --ignore-volumes) set -- "$@" "$a" ;;
      --name=*) NEWNAME=${a#--name=}; need "$NEWNAME" is_name "new container name"; set -- "$@" "$a" ;;
      --publish=*) need "${a#--publish=}" is_publish "port mapping"; set -- "$@" "$a" ;;
      --pod=*) need "${a#--pod=}" is_name "pod name"; set -- "$@" "$a" ;;
      *) fail bad-request "Unknown restore option." ;;
    esac
  done
  if [ -z "$NEWNAME" ]; then
    # The exited original holds the name and id the archive brings back; restoring replaces it. A plain
    # `podman rm` refuses a running container, which doubles as the check (one podman call, not two).
    if ! podman rm "$CID" >/dev/null 2>"$WORK/err"; then
      case $(cat "$WORK/err") in
        *'no such container'* | *'No such container'*) ;;
        *running* | *'--force'*) fail busy "Container \"$CNAME\" is still running. Stop it first, or restore a copy with a new name (--name)." ;;
        *) fail operation-failed "Could not remove the stopped container \"$CNAME\" to restore over it." "$(tail_text "$WORK/err")" ;;
      esac
    fi
  fi
  if grep -q '"--with-previous"' "$D/meta.json"; then
    parent=$(sed -n 's/.*"parent":"\(ck-[a-z0-9-]*\)".*/\1/p' "$D/meta.json")
    pa=$(archive_of "$HS/checkpoints/$parent") || fail not-found "This checkpoint needs its pre-checkpoint $parent, which is not on this host."
    set -- "$@" --import-previous "$pa"
  fi
  run_watched restore /dev/null "$WORK/out" "$WORK/err" podman container restore --import "$ARCH" "$@" ||
    map_runtime_error "$WORK/err" "podman restore"
  # podman prints the restored container's id last
  newcid=$(tail -n 1 "$WORK/out" | tr -cd 'a-f0-9')
  newname=${NEWNAME:-$CNAME}
  lineage_for_new podman "$newcid"
  result "{\"checkpoint\":\"$ID\",\"container\":{\"runtime\":\"podman\",\"id\":\"$newcid\",\"name\":\"$newname\"}}"
}

restore_docker() {
  NEWNAME=''
  for a in "$@"; do
    case $a in
      --name=*) NEWNAME=${a#--name=}; need "$NEWNAME" is_name "new container name" ;;
      *) fail bad-request "Docker restores take only --name." ;;
    esac
  done
  target=$CID
  if [ -n "$NEWNAME" ]; then
    set --
    read -r tty stdin_open <"$D/tty" 2>/dev/null || tty=false
    [ "$tty" = true ] && set -- "$@" -t
    [ "${stdin_open:-false}" = true ] && set -- "$@" -i
    ep=$(head -n 1 "$D/entrypoint" 2>/dev/null)
    [ -n "$ep" ] && set -- "$@" --entrypoint "$ep"
    set -- "$@" --name "$NEWNAME" --network none "$IMAGE"
    while IFS= read -r line; do set -- "$@" "$line"; done <"$D/cmd"
    target=$(docker create --pull never "$@" 2>"$WORK/err") || map_runtime_error "$WORK/err" "docker create"
  else
    st=$(docker inspect --format '{{.State.Status}}' "$CID" 2>/dev/null) ||
      fail not-found "The original Docker container is gone; restore into a new one with --name."
    [ "$st" != running ] || fail busy "Container \"$CNAME\" is running. Stop it first, or restore into a new container with --name."
  fi
  # `docker start --checkpoint-dir` is refused ("custom checkpointdir is not supported"): place it where Docker looks.
  dst=/var/lib/docker/containers/$target/checkpoints/$ID
  if ! mkdir -p "$dst" || ! tar -xf "$ARCH" -C "$dst"; then fail operation-failed "Could not place the checkpoint for Docker."; fi
  run_watched restore /dev/null "$WORK/out" "$WORK/err" docker start --checkpoint "$ID" "$target" ||
    { rm -rf "$dst"; map_runtime_error "$WORK/err" "docker start --checkpoint"; }
  rm -rf "$dst"
  name=$(docker inspect --format '{{.Name}}' "$target" 2>/dev/null)
  lineage_for_new docker "$target"
  result "{\"checkpoint\":\"$ID\",\"container\":{\"runtime\":\"docker\",\"id\":\"$target\",\"name\":\"${name#/}\"}}"
}

restore_process() {
  [ $# -eq 0 ] || fail bad-request "Process restores take no options."
  command -v criu >/dev/null 2>&1 || fail criu-missing "CRIU is not installed on this host: install CRIU 4 or newer."
  img=$WORK/img
  if ! mkdir "$img" || ! tar -xf "$ARCH" -C "$img"; then fail operation-failed "Could not unpack the checkpoint."; fi
  if criu restore -D "$img" -o restore.log --shell-job -d >"$WORK/out" 2>"$WORK/err"; then
    newpid=$CID
  elif pid_alive "$CID" || grep -q 'File exists' "$img/restore.log" 2>/dev/null; then
    # The original PIDs are taken: restore into a fresh PID namespace, where they are free.
    progress restore-pidns 0
    rm -f "$img/restore.log"
    setsid unshare --pid --fork --mount-proc criu restore -D "$img" -o restore.log --shell-job --pidfile "$WORK/pid" </dev/null >"$WORK/out" 2>&1 9>&- &
    ns=$!
    i=0
    while [ $i -lt 120 ]; do
      if [ -s "$WORK/pid" ]; then break; fi
      pid_alive "$ns" || break
      sleep 0.25
      i=$((i + 1))
    done
    [ -s "$WORK/pid" ] || map_runtime_error "$img/restore.log" "criu restore (new PID namespace)"
    # unshare -> criu (pid 1 inside) -> the restored tree
    c=$(pgrep -P "$ns" | head -n 1)
    newpid=$(pgrep -P "${c:-0}" | head -n 1)
    newpid=${newpid:-$c}
  else
    cp "$img/restore.log" "$WORK/err" 2>/dev/null
    map_runtime_error "$WORK/err" "criu restore"
  fi
  lineage_for_new process "$newpid"
  result "{\"checkpoint\":\"$ID\",\"container\":{\"runtime\":\"process\",\"id\":\"$newpid\",\"name\":\"$CNAME\"}}"
}

verb_restore() {
  [ $# -ge 1 ] || fail bad-request "usage: restore CHECKPOINT_ID [OPTION...]"
  ID=$1
  shift
  need "$ID" is_ckid "checkpoint id"
  store_init
  OP=''
  n=$#
  while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    case $a in
      --op=*) OP=${a#--op=}; need "$OP" is_opid "operation id" ;;
      *) set -- "$@" "$a" ;;
    esac
  done
  D=$HS/checkpoints/$ID
  [ -f "$D/meta.json" ] || fail not-found "No checkpoint $ID on this host. Run \"stasis checkpoints\" to see them."
  read_ident "$D" || fail corrupt-image "Checkpoint $ID has no container record."
  ARCH=$(archive_of "$D") || fail corrupt-image "Checkpoint $ID has no archive."
  lock_container "$RT-$CID"
  register_op "$OP"
  WORK=$HS/tmp/restore-$ID-$$
  mkdir -p "$WORK"
  TMPDIR_OP=$WORK
  printf '%s\n' "$$" >"$WORK/owner"
  progress restore "$(file_size "$ARCH")"
  case $RT in
    podman) restore_podman "$@" ;;
    docker) restore_docker "$@" ;;
    process) restore_process "$@" ;;
  esac
  # CRIU reads the unpacked images only while restoring; the archive in the store stays.
  TMPDIR_OP=''
  rm -rf "$WORK"
  if [ -n "$OPFILE" ]; then rm -f "$OPFILE"; OPFILE=''; fi
}

verb_list() {
  store_init
  sweep
  printf '{"result":['
  sep=''
  for f in "$HS"/checkpoints/*/meta.json; do
    [ -f "$f" ] || continue
    printf '%s' "$sep"
    tr -d '\n' <"$f"
    sep=','
  done
  printf '],"v":"%s"}\n' "$STASIS_HELPER_VERSION"
}

verb_inspect() {
  [ $# -eq 1 ] || fail bad-request "usage: inspect CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  D=$HS/checkpoints/$1
  [ -f "$D/meta.json" ] || fail not-found "No checkpoint $1 on this host."
  stats=null
  if [ -s "$D/stats.json" ] && [ "$(head -c 1 "$D/stats.json")" = '{' ]; then stats=$(cat "$D/stats.json"); fi
  files=$(cd "$D/images" 2>/dev/null && find . -type f -printf '%P\t%s\n' | sort | while IFS="$(printf '\t')" read -r p s; do
    printf '{"path":"%s","bytes":%s},' "$(json_esc "$p")" "$s"
  done)
  result "{\"meta\":$(tr -d '\n' <"$D/meta.json"),\"stats\":$stats,\"files\":[${files%,}]}"
}

verb_delete() {
  [ $# -eq 1 ] || fail bad-request "usage: delete CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  D=$HS/checkpoints/$1
  [ -d "$D" ] || fail not-found "No checkpoint $1 on this host."
  if read_ident "$D"; then lock_container "$RT-$CID"; fi
  mv "$D" "$HS/tmp/del-$1" || fail operation-failed "Could not remove checkpoint $1."
  rm -rf "$HS/tmp/del-$1"
  result "{\"deleted\":\"$1\"}"
}

verb_retain() {
  [ $# -eq 3 ] || fail bad-request "usage: retain RUNTIME CONTAINER_ID KEEP"
  case $1 in podman | docker | process) ;; *) fail bad-request "Unknown runtime." ;; esac
  need "$2" is_name "container id"
  need "$3" is_count "count"
  store_init
  lock_container "$1-$2"
  retention "$1" "$2" "$3"
  result '{"ok":true}'
}

verb_images() {
  [ $# -eq 1 ] || fail bad-request "usage: images CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  D=$HS/checkpoints/$1
  [ -f "$D/meta.json" ] || fail not-found "No checkpoint $1 on this host."
  [ -d "$D/images" ] || fail not-found "Checkpoint $1 has no stored images to browse."
  # The CRIU images without their memory pages: what the image browser reads. Sent inside the one JSON result
  # (base64), so the caller's line protocol needs no binary mode; large image sets are refused, not truncated.
  size=$(dir_bytes "$D/images")
  [ "$size" -le 25165824 ] || fail not-supported "The images of $1 are $size bytes, more than Stasis browses remotely (24 MiB). Copy the archive and open it locally."
  result "{\"tar\":\"$(tar -C "$D/images" -cf - . | base64 | tr -d '\n')\"}"
}

verb_send() {
  [ $# -eq 1 ] || fail bad-request "usage: send CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  [ -f "$HS/checkpoints/$1/meta.json" ] || fail not-found "No checkpoint $1 on this host."
  exec tar -cf - -C "$HS/checkpoints" "$1"
}

verb_receive() {
  [ $# -eq 1 ] || fail bad-request "usage: receive CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  [ ! -e "$HS/checkpoints/$1" ] || fail bad-request "Checkpoint $1 is already on this host."
  TMPDIR_OP=$HS/tmp/recv-$1-$$
  mkdir "$TMPDIR_OP"
  printf '%s\n' "$$" >"$TMPDIR_OP/owner"
  # GNU tar refuses absolute and ".." member names by default; the layout is checked before it is listed.
  tar -xf - -C "$TMPDIR_OP" --no-same-owner --no-same-permissions || fail operation-failed "The checkpoint stream was incomplete."
  if [ "$(ls -A "$TMPDIR_OP")" != "$1" ] || [ ! -f "$TMPDIR_OP/$1/meta.json" ] || ! archive_of "$TMPDIR_OP/$1" >/dev/null; then
    fail corrupt-image "The received data is not a Stasis checkpoint."
  fi
  mv "$TMPDIR_OP/$1" "$HS/checkpoints/$1" || fail operation-failed "Could not store the received checkpoint."
  rm -rf "$TMPDIR_OP"
  TMPDIR_OP=''
  result "$(tr -d '\n' <"$HS/checkpoints/$1/meta.json")"
}

# The processes in a running container's PID namespace, for the caller to compare with the tree CRIU dumps (the
# init's descendants): processes started with `podman exec` / `docker exec` join the namespace but hang off
# conmon / containerd-shim, outside that tree, and a checkpoint silently leaves them out. Prints a JSON object.
container_procs() { # runtime container-ref
  case $1 in
    podman) ip=$(podman container inspect --format '{{.State.Pid}}' "$2" 2>/dev/null) || return 1 ;;
    docker) ip=$(docker inspect --format '{{.State.Pid}}' "$2" 2>/dev/null) || return 1 ;;
    *) return 1 ;;
  esac
  is_pid "$ip" || return 2
  ns=$(readlink "/proc/$ip/ns/pid") || return 2
  printf '{"init":%s,"processes":[' "$ip"
  sep=''
  # One find lists every process's PID namespace; only the container's processes are read further (at most 4096).
  for p in $(find /proc/[0-9]*/ns/pid -maxdepth 0 -printf '%l %p\n' 2>/dev/null |
    awk -v ns="$ns" '$1 == ns { split($2, a, "/"); print a[3] }' | head -n 4096); do
    is_pid "$p" || continue
    name='' ppid='' nspid=''
    while IFS= read -r line; do
      case $line in
        Name:*) name=${line#Name:} ;;
        PPid:*) ppid=${line#PPid:} ;;
        NSpid:*) nspid=${line##*[!0-9]} ;;
      esac
    done <"/proc/$p/status" 2>/dev/null
    ppid=$(printf '%s' "$ppid" | tr -cd '0-9')
    [ -n "$ppid" ] || continue
    args=$(tr '\000' ' ' <"/proc/$p/cmdline" 2>/dev/null | head -c 256)
    printf '%s{"pid":%s,"ppid":%s,"nspid":%s,"name":"%s","args":"%s"}' "$sep" "$p" "$ppid" "${nspid:-0}" \
      "$(json_esc "$(printf '%s' "$name" | tr -d '\t' | head -c 64)")" "$(json_esc "$args")"
    sep=','
  done
  printf ']}'
}

verb_procs() {
  [ $# -eq 2 ] || fail bad-request "usage: procs podman|docker CONTAINER"
  case $1 in podman | docker) ;; *) fail bad-request "procs takes podman or docker." ;; esac
  need "$2" is_name "container name or id"
  out=$(container_procs "$1" "$2")
  case $? in
    0) result "$out" ;;
    2) fail bad-request "Container \"$2\" is not running." ;;
    *) fail not-found "No $1 container \"$2\" on this host." ;;
  esac
}

# Stop, start or remove a container, for logins that reach the runtime only through the helper.
verb_container() { # stop|start|remove runtime container
  [ $# -eq 3 ] || fail bad-request "usage: container stop|start|remove podman|docker CONTAINER"
  case $1 in stop | start | remove) ;; *) fail bad-request "container takes stop, start or remove." ;; esac
  case $2 in podman | docker) ;; *) fail bad-request "container takes podman or docker." ;; esac
  need "$3" is_name "container name or id"
  act=$1 rt=$2 ref=$3
  store_init
  WORK=$HS/tmp/ctr-$$
  mkdir -p "$WORK" || fail operation-failed "Cannot create a work directory in the Stasis store."
  TMPDIR_OP=$WORK
  case $act-$rt in
    stop-*) set -- "$rt" stop --time 10 "$ref" ;;
    start-*) set -- "$rt" start "$ref" ;;
    remove-podman) set -- podman rm --force --time 10 "$ref" ;;
    remove-docker) set -- docker rm --force "$ref" ;;
  esac
  # Started containers keep conmon / the shim running: they must not inherit our stdout or the lock fd.
  if ! "$@" </dev/null >/dev/null 2>"$WORK/err" 9>&-; then
    msg=$(tail_text "$WORK/err")
    case $msg in
      *'no such container'* | *'No such container'*) fail not-found "No $rt container \"$ref\" on this host." "$msg" ;;
      *) fail operation-failed "Could not $act $rt container \"$ref\"." "$msg" ;;
    esac
  fi
  rm -rf "$WORK"
  TMPDIR_OP=''
  result '{"ok":true}'
}

verb_cancel() {
  [ $# -eq 1 ] || fail bad-request "usage: cancel OPERATION_ID"
  need "$1" is_opid "operation id"
  store_init
  f=$HS/ops/$1.pid
  [ -f "$f" ] || fail not-found "No running operation $1."
  read -r p <"$f"
  if ! is_pid "$p" || ! kill -TERM "$p" 2>/dev/null; then fail not-found "Operation $1 has already finished."; fi
  result '{"cancelled":true}'
}

main() {
  [ $# -ge 1 ] || fail bad-request "usage: stasis-helper VERB [ARG...]"
  check_raw_args "$@"
  [ "$(id -u)" = 0 ] || fail permission-denied "The Stasis helper must run as root (through pkexec or sudo)."
  verb=$1
  shift
  case $verb in
    version) verb_version ;;
    info) verb_info ;;
    ps) verb_ps "$@" ;;
    checkpoint) verb_checkpoint "$@" ;;
    restore) verb_restore "$@" ;;
    list) verb_list ;;
    inspect | meta) verb_inspect "$@" ;;
    delete) verb_delete "$@" ;;
    retain) verb_retain "$@" ;;
    images) verb_images "$@" ;;
    send) verb_send "$@" ;;
    receive) verb_receive "$@" ;;
    cancel) verb_cancel "$@" ;;
    procs) verb_procs "$@" ;;
    container) verb_container "$@" ;;
    *) fail bad-request "Unknown helper verb." ;;
  esac
}

main "$@"
