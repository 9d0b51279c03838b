#!/bin/sh
# stasis-helper — the one program Stasis runs as root (directly, through pkexec, or `sudo -n`).
#
# Contract: `stasis-helper VERB [ARG...]` (verbs: version ps checkpoint restore list inspect delete images send
# receive cancel procs container keep-args journal migrate-check migrate-out migrate-in image-out image-in tree-check
# lazy-out lazy-in lazy-end; the table in electron/services/helper-verbs.ts). Every argument is checked against a strict
# pattern before anything runs; there is no eval and every tool gets an argument list. Output is JSON lines: zero or
# more {"event":"progress",...} lines, then exactly one {"result":...} or {"error":{"code":...,"message":...}}.
# (`send`, `migrate-out`, `image-out` and `lazy-out` are the exceptions: their stdout is raw bytes.)
#
# Store: /var/lib/stasis/hosts/<hostname>/ (0700). Keyed by hostname so machines that share /var/lib (NFS, or
# test namespaces on one box) never see each other's checkpoints.
#   checkpoints/<id>/  meta.json  archive.tar[.gz|.zst]  images/ (CRIU images without pages-*.img)  stats.json
#                      and the record meta.json is made from: ident uid created kind lineage options versions note
#                      (uid: whose it is; a caller who is not root sees and uses only their own)
#   tmp/<id>/          work in progress; renamed into checkpoints/ only when complete, so a crash never lists
#                      half a checkpoint
#   lineage/<runtime>-<container>   "<lineage-id> <last-checkpoint-id>"
#   locks/<runtime>-<container>.lock   flock: one operation per container at a time
#   ops/<op-id>.pid    "pid start-time uid" of a running operation's helper, for `cancel`
#
# Who asks: root run directly may do everything; run by sudo or pkexec for another user (SUDO_UID, PKEXEC_UID)
# it acts for that user: their own checkpoints, process trees wholly theirs, host ports from 1024 up, and no
# checkpoint received from another host restored unless /etc/stasis/helper.conf allows it for them (never a
# process tree's).

set -u
umask 077
STASIS_HELPER_VERSION='1.3.1'
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
IFS=' 	
'
export PATH LC_ALL
# The caller's environment must not steer the tools run as root: tar, gzip and zstd take options from it
# (TAR_OPTIONS can run a command per file), podman and docker a remote daemon or another config.
unset TAR_OPTIONS TAPE GZIP GZIP_OPT XZ_OPT XZ_DEFAULTS BZIP BZIP2 POSIXLY_CORRECT ENV BASH_ENV CDPATH GREP_OPTIONS \
  LD_PRELOAD LD_LIBRARY_PATH LD_AUDIT TMPDIR CONTAINERS_CONF CONTAINERS_STORAGE_CONF CONTAINERS_REGISTRIES_CONF \
  CONTAINER_HOST CONTAINER_CONNECTION DOCKER_HOST DOCKER_CONFIG DOCKER_CONTEXT DOCKER_CERT_PATH DOCKER_TLS_VERIFY \
  TIME_STYLE QUOTING_STYLE BLOCK_SIZE DU_BLOCK_SIZE
for v in $(env | sed -n 's/^\(ZSTD_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
STORE_ROOT=/var/lib/stasis
# What this host's administrator allows beyond the defaults (see received_restore_allowed).
HELPER_CONF=/etc/stasis/helper.conf
# The uid the helper works for: root itself, or the user sudo / pkexec ran it for (set in main).
CALLER=0

CHILD=''
REPORTER=''
VERJOB=''
TMPDIR_OP=''
OPFILE=''
LEFT_OUT=''
LAZY_DEST=''

# ---------------------------------------------------------------------------------------------- output

json_esc() {
  printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037' | tr '\t\n\r' '   ' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

progress() { # phase bytes
  printf '{"event":"progress","phase":"%s","bytes":%s}\n' "$1" "${2:-0}"
}

result() { printf '{"result":%s,"v":"%s"}\n' "$1" "$STASIS_HELPER_VERSION"; }

cleanup() {
  if [ -n "$LAZY_DEST" ]; then LZ=$LAZY_DEST; lazy_stop_dest; fi
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
is_count() { # no leading zeros: shell arithmetic reads 010 as octal and fails on 09
  [ ${#1} -ge 1 ] && [ ${#1} -le 4 ] || return 1
  case $1 in 0?* | *[!0-9]*) return 1 ;; esac
}
is_uid() {
  [ ${#1} -ge 1 ] && [ ${#1} -le 10 ] || return 1
  case $1 in 0?* | *[!0-9]*) return 1 ;; esac
}
is_ticks() { # a start time from /proc/PID/stat, in clock ticks since boot
  [ ${#1} -ge 1 ] && [ ${#1} -le 20 ] || return 1
  case $1 in 0?* | *[!0-9]*) return 1 ;; esac
}
is_image() { # an image reference as the runtime printed it, or "-" for a process tree
  [ ${#1} -ge 1 ] && [ ${#1} -le 255 ] || return 1
  case $1 in *[!A-Za-z0-9_./:@+-]*) return 1 ;; esac
}
is_version() { # a tool's version string (podman 4.3.1, CRIU 4.1.1, kernel 6.1.0-28-amd64), or "-" when unknown
  [ ${#1} -ge 1 ] && [ ${#1} -le 64 ] || return 1
  case $1 in *[!A-Za-z0-9_.+~-]*) return 1 ;; esac
}
is_created() { # UTC, to the second or (since 1.2.0) the millisecond
  case $1 in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) return 0 ;;
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z) return 0 ;;
  esac
  return 1
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

lock_container() { # key (runtime-id, both checked)
  command -v flock >/dev/null 2>&1 || fail operation-failed "flock is missing on this host: install util-linux."
  exec 9>"$HS/locks/$1.lock"
  flock -n 9 || fail busy "Another Stasis operation is running on this container. Wait for it to finish, or cancel it."
}

proc_start() { # pid -> its start time, field 22 of /proc/PID/stat (read after the parenthesised name, which may hold spaces)
  sed -n 's/^.*) //p' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

# ops/<op>.pid holds "pid start-time caller-uid": cancel signals the pid only while it is still that operation.
op_live() { # ops-file -> true while its helper runs; sets OP_PID OP_UID
  OP_PID='' OP_ST='' OP_UID=''
  read -r OP_PID OP_ST OP_UID <"$1" 2>/dev/null
  is_pid "$OP_PID" && is_ticks "$OP_ST" && is_uid "$OP_UID" && [ "$(proc_start "$OP_PID")" = "$OP_ST" ]
}

clean_ops() { # drops the records of operations whose helper is gone (killed, or from before a reboot)
  for f in "$HS"/ops/*.pid; do
    [ -f "$f" ] || continue
    op_live "$f" || rm -f "$f"
  done
}

register_op() { # op-id
  [ -n "$1" ] || return 0
  clean_ops
  [ ! -e "$HS/ops/$1.pid" ] || fail busy "Operation id $1 is already in use."
  # Written aside and renamed, so that a concurrent clean_ops never reads it half written.
  printf '%s %s %s\n' "$$" "$(proc_start "$$")" "$CALLER" >"$HS/ops/.$1.$$" && mv "$HS/ops/.$1.$$" "$HS/ops/$1.pid"
  OPFILE=$HS/ops/$1.pid
}

uid_of() { # checkpoint dir -> the uid it belongs to (root for entries made before uids were recorded)
  u=0
  if [ -f "$1/uid" ]; then read -r u <"$1/uid" || u=0; fi
  is_uid "$u" || u=0
  printf '%s' "$u"
}

may_use() { [ "$CALLER" = 0 ] || [ "$(uid_of "$1")" = "$CALLER" ]; } # checkpoint dir

is_user() { # a login name as a helper.conf line may give it
  [ ${#1} -ge 1 ] && [ ${#1} -le 32 ] || return 1
  case $1 in [!A-Za-z_]* | *[!A-Za-z0-9_.-]*) return 1 ;; esac
}

caller_name() { # the caller's login name, or their uid when it has none Stasis accepts
  n=$(getent passwd "$CALLER" 2>/dev/null | cut -d: -f1 | head -n 1)
  if is_user "$n"; then printf '%s' "$n"; else printf '%s' "$CALLER"; fi
}

root_only() { # path type(f|d) -> true when only root can change it: owned by root, not group/other-writable, no link
  [ ! -L "$1" ] && [ -n "$(find "$1" -maxdepth 0 -type "$2" -uid 0 ! -perm /022 -print 2>/dev/null)" ]
}

# A received checkpoint's container configuration (podman's config.dump and spec.dump: mounts, privileges,
# capabilities; Docker's image, entrypoint and command) is the sender's word, and restoring it runs it as root: a
# caller who is not root may restore one only when the host's administrator allowed it for them, with a line
# `allow-received-restore USER` (login name or uid) in /etc/stasis/helper.conf. The file counts only when root
# alone can change it (it and its directory owned by root, not writable by group or others, not links, at most
# 64 KiB); any other file is ignored, and so is every line that is not exactly that (comments start with #).
# Sets CONF_WHY to why it did not allow.
received_restore_allowed() {
  CONF_WHY=''
  if [ ! -e "$HELPER_CONF" ] && [ ! -L "$HELPER_CONF" ]; then
    CONF_WHY="$HELPER_CONF does not exist."
    return 1
  fi
  if ! root_only "${HELPER_CONF%/*}" d || ! root_only "$HELPER_CONF" f || [ "$(file_size "$HELPER_CONF")" -gt 65536 ]; then
    CONF_WHY="$HELPER_CONF is ignored: it and its directory must be owned by root, writable by root alone, not links, and the file at most 64 KiB."
    return 1
  fi
  while IFS= read -r line || [ -n "$line" ]; do
    who=${line#'allow-received-restore '}
    [ "$who" != "$line" ] || continue
    if is_uid "$who"; then
      [ "$who" != "$CALLER" ] || return 0
    elif is_user "$who"; then
      [ "$(getent passwd "$who" 2>/dev/null | cut -d: -f3 | head -n 1)" != "$CALLER" ] || return 0
    fi
  done <"$HELPER_CONF"
  CONF_WHY="$HELPER_CONF has no valid line allow-received-restore for uid $CALLER."
  return 1
}

# Sets D to the checkpoint's dir; another user's checkpoint is "not found" for a caller who is not root.
checkpoint_dir() { # id
  D=$HS/checkpoints/$1
  if [ ! -f "$D/meta.json" ] || ! may_use "$D"; then
    fail not-found "No checkpoint $1 on this host. Run \"stasis checkpoints\" to see them."
  fi
}

new_ckid() {
  printf 'ck-%s-%s' "$(date -u +%Y%m%d%H%M%S)" "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
}

# Milliseconds: retention keeps the newest N, and checkpoints taken within one second must still be told apart.
# A date without %N (busybox) prints no digits there, and the stamp falls back to the second.
now_iso() {
  t=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
  if is_created "$t"; then printf '%s\n' "$t"; else date -u +%Y-%m-%dT%H:%M:%SZ; fi
}

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

is_cname() { # a container name, or a process tree's sanitised comm
  [ ${#1} -ge 1 ] && [ ${#1} -le 128 ] || return 1
  case $1 in *[!A-Za-z0-9_.-]*) return 1 ;; esac
}

read_ident() { # dir -> RT CID CNAME IMAGE, each checked: a received checkpoint's record is the sender's word
  RT='' CID='' CNAME='' IMAGE=''
  [ -f "$1/ident" ] && [ "$(file_size "$1/ident")" -le 1024 ] || return 1
  read -r RT CID CNAME IMAGE <"$1/ident" || return 1
  case $RT in podman | docker | process) ;; *) return 1 ;; esac
  is_name "$CID" && is_cname "$CNAME" && { [ -z "$IMAGE" ] || is_image "$IMAGE"; }
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

tree_is_plain() { # dir -> true when it holds only regular files (each with one name) and directories
  [ -z "$(find "$1" \( \( ! -type f ! -type d \) -o \( -type f -links +1 \) \) -print -quit 2>/dev/null)" ]
}

# Unpacks an archive that may come from another host: never with the archive's owners or modes, never over a
# file already there (so never through a link an earlier member made), and only if it held nothing but regular
# files and directories. GNU tar already refuses absolute and ".." names.
safe_untar() { # archive|- dest [tar-option...]
  src=$1 dest=$2
  shift 2
  mkdir -p "$dest" || return 1
  tar -xf "$src" -C "$dest" --keep-old-files --no-same-owner --no-same-permissions \
    --no-acls --no-xattrs --no-selinux "$@" 2>/dev/null || return 1
  tree_is_plain "$dest"
}

# Keeps images browsable without reading pages: the non-page CRIU images sit beside the archive.
extract_images() { # dir archive
  case $RT in
    podman) safe_untar "$2" "$1/images" --exclude='pages-*.img' --exclude='rootfs-diff.tar' --exclude='volumes' ;;
    *) safe_untar "$2" "$1/images" --exclude='pages-*.img' ;;
  esac
}

pages_bytes() { # archive [stats.json] -> bytes of memory pages in it
  # CRIU's own count (podman --print-stats) saves reading the whole archive again, which for a compressed one
  # means decompressing it a second time.
  if [ -s "${2:-}" ]; then
    pw=$(sed -n 's/.*"pages_written": *\([0-9][0-9]*\).*/\1/p' "$2" | head -n 1)
    if [ -n "$pw" ] && [ ${#pw} -le 12 ]; then
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

# The record files of a checkpoint dir, each checked as strictly as an argument (a received one is the sender's
# word): created, kind, lineage, options, versions, uid, note. Sets the variables write_meta prints.
read_record() { # dir
  d=$1
  ck=$(basename "$d")
  read_ident "$d" || return 1
  created='' kind=checkpoint lineage=$ck parent='' opts='' rtv=- criuv=- kernv=- helperv=-
  if [ -f "$d/created" ]; then read -r created <"$d/created" || return 1; fi
  is_created "$created" || return 1
  if [ -f "$d/kind" ]; then read -r kind <"$d/kind" || [ -n "$kind" ] || return 1; fi
  case $kind in checkpoint | pre) ;; *) return 1 ;; esac
  if [ -f "$d/lineage" ]; then read -r lineage parent <"$d/lineage" || return 1; fi
  is_ckid "$lineage" && { [ -z "$parent" ] || is_ckid "$parent"; } || return 1
  if [ -f "$d/options" ]; then opts=$(head -c 2048 "$d/options"); fi
  is_optlist "$opts" || return 1
  if [ -f "$d/versions" ]; then read -r rtv criuv kernv helperv <"$d/versions" || return 1; fi
  is_version "$rtv" && is_version "$criuv" && is_version "$kernv" && is_version "$helperv" || return 1
  [ ! -f "$d/note" ] || [ "$(file_size "$d/note")" -le 1024 ] || return 1
  [ ! -f "$d/stats.json" ] || [ "$(file_size "$d/stats.json")" -le 1048576 ] || return 1
}

# The options a checkpoint was taken with, as written into meta.json: "--flag","--flag=value",...
is_optlist() {
  [ ${#1} -le 2048 ] || return 1
  rest=$1
  while [ -n "$rest" ]; do
    o=${rest%%,*}
    case $o in
      '"--leave-running"' | '"--tcp-established"' | '"--file-locks"' | '"--ignore-rootfs"' | '"--ignore-volumes"' | '"--keep"' | \
        '"--compress=none"' | '"--compress=gzip"' | '"--compress=zstd"' | '"--pre-checkpoint"' | '"--with-previous"') ;;
      *) return 1 ;;
    esac
    case $rest in *,*) rest=${rest#*,} ;; *) rest='' ;; esac
  done
}

# Writes meta.json from the record files (read_record must have succeeded on the dir).
write_meta() { # dir archive
  d=$1
  recovered=false
  if [ -f "$d/recovered" ]; then recovered=true; fi
  note=''
  if [ -f "$d/note" ]; then note=$(json_esc "$(cat "$d/note")"); fi
  left=''
  if [ -f "$d/left-out" ]; then left=$(head -c 1400 "$d/left-out"); is_left_out "$left" || left=''; fi
  stats=false
  if [ -s "$d/stats.json" ] && [ "$(head -c 1 "$d/stats.json")" = '{' ]; then stats=true; fi
  parent_json=null
  if [ -n "$parent" ]; then parent_json="\"$parent\""; fi
  printf '{"id":"%s","kind":"%s","host":"%s","uid":%s,"created":"%s","container":{"runtime":"%s","id":"%s","name":"%s","image":"%s"},"lineage":"%s","parent":%s,"versions":{"runtime":"%s","criu":"%s","kernel":"%s","helper":"%s"},"options":[%s],"sizes":{"archive":%s,"pages":%s,"images":%s},"archive":"%s","hasStats":%s,"recovered":%s,"note":"%s","leftOut":"%s"}\n' \
    "$ck" "$kind" "$HOSTNAME_S" "$(uid_of "$d")" "$created" "$RT" "$CID" "$CNAME" "$IMAGE" "$lineage" "$parent_json" \
    "$rtv" "$criuv" "$kernv" "$helperv" "$opts" \
    "$(file_size "$2")" "$(pages_bytes "$2" "$d/stats.json")" "$(dir_bytes "$d/images")" "$(basename "$2")" "$stats" "$recovered" "$note" "$left" \
    >"$d/meta.json.tmp" || return 1
  mv "$d/meta.json.tmp" "$d/meta.json"
}

# Writes meta.json and renames the work dir into checkpoints/. Used after a dump, and to adopt the complete
# archive of a helper that died after the runtime finished.
finalize() { # tmpdir recovered(true|false)
  d=$1
  read_ident "$d" || return 1
  arch=$(archive_of "$d") || return 1
  progress images "$(file_size "$arch")"
  # Our own dump: a partial unpack still helps browsing, but never anything but plain files.
  extract_images "$d" "$arch" || tree_is_plain "$d/images" || rm -rf "$d/images"
  if [ "$2" = true ]; then : >"$d/recovered"; fi
  [ -f "$d/created" ] || now_iso >"$d/created"
  rtv=$(cat "$d/version.runtime" 2>/dev/null || version_of "$RT")
  criuv=$(cat "$d/version.criu" 2>/dev/null || version_of criu)
  is_version "$rtv" || rtv=-
  is_version "$criuv" || criuv=-
  kernv=$(uname -r)
  is_version "$kernv" || kernv=-
  printf '%s %s %s %s\n' "$rtv" "$criuv" "$kernv" "$STASIS_HELPER_VERSION" >"$d/versions"
  rm -f "$d/version.runtime" "$d/version.criu"
  read_record "$d" || return 1
  write_meta "$d" "$arch" || return 1
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

# ---------------------------------------------------------------------------------------------- verbs

verb_version() { result "{\"version\":\"$STASIS_HELPER_VERSION\"}"; }

# The bytes a process's memory cgroup holds (cgroup v1 memory.usage_in_bytes or v2 memory.current), or nothing.
cgroup_memory() { # pid
  cg=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p; s/^0::\(.*\)$/\1/p' "/proc/$1/cgroup" 2>/dev/null | head -n 1)
  case $cg in '' | *..* | *[!A-Za-z0-9_./:@-]*) return 0 ;; esac
  for f in "/sys/fs/cgroup/memory$cg/memory.usage_in_bytes" "/sys/fs/cgroup$cg/memory.current"; do
    v=$(head -c 24 "$f" 2>/dev/null) || continue
    case $v in '' | *[!0-9]*) ;; *) printf '%s' "$v"; return 0 ;; esac
  done
}

verb_ps() {
  [ $# -eq 0 ] || fail bad-request "ps takes no arguments."
  pj='[]' dj='' derr='' mj=''
  if command -v podman >/dev/null 2>&1; then
    pj=$(podman ps -a --format json 2>/dev/null | tr '\n' ' ')
    [ -n "$pj" ] || pj='[]'
    # Memory of each running container, read once per ps from its cgroup (no polling, no podman stats, which
    # fails whole when one container stops meanwhile).
    for line in $(podman ps --no-trunc --filter status=running --format '{{.ID}}:{{.Pid}}' 2>/dev/null); do
      cid=${line%%:*} pid=${line#*:}
      case $cid in '' | *[!0-9a-f]*) continue ;; esac
      case $pid in '' | 0 | *[!0-9]*) continue ;; esac
      m=$(cgroup_memory "$pid")
      [ -z "$m" ] || mj="$mj${mj:+,}\"$cid\":$m"
    done
  fi
  if command -v docker >/dev/null 2>&1; then
    if dl=$(timeout 10 docker ps -a --no-trunc --format '{{json .}}' 2>/dev/null); then
      dj=$(printf '%s\n' "$dl" | sed '/^$/d' | paste -sd, -)
    else
      derr='The Docker daemon is not running or not reachable.'
    fi
  fi
  result "{\"podman\":$pj,\"docker\":[$dj],\"dockerError\":\"$derr\",\"memory\":{$mj}}"
}

# podman checkpoint options -> podman flags; also records them for meta.json
podman_ckpt_opts() {
  n=$#
  OPTS_JSON='' OP='' NOTE_B64='' KIND=checkpoint PREV=''
  while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    case $a in
      --leave-running | --tcp-established | --file-locks | --ignore-rootfs | --ignore-volumes | --keep) set -- "$@" "$a" ;;
      --compress=none | --compress=gzip | --compress=zstd) set -- "$@" "$a" ;;
      --pre-checkpoint) set -- "$@" "$a"; KIND=pre ;;
      --with-previous=*) PREV=${a#--with-previous=}; need "$PREV" is_ckid "previous checkpoint id"; set -- "$@" --with-previous; a=--with-previous ;;
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
  printf '%s\n' "$CALLER" >"$TMPDIR_OP/uid"
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
  progress "done" "$(file_size "$(archive_of "$HS/checkpoints/$CK")")"
  if [ -n "$OPFILE" ]; then rm -f "$OPFILE"; OPFILE=''; fi
  result "$(cat "$HS/checkpoints/$CK/meta.json")"
}

# A runtime failed: its last words go to the caller, who says what they mean and what to do (helper-protocol.ts).
map_runtime_error() { # logfile what
  fail runtime-failed "$2" "$(tail_text "$1")"
}

# Sets cid cname state image from podman's description of container $1, each checked (image "-" when unknown).
podman_describe() { # ref
  ref=$1
  info=$(podman container inspect --format '{{.ID}} {{.Name}} {{.State.Status}} {{.ImageName}}' "$ref" 2>/dev/null) ||
    fail not-found "No podman container \"$ref\" on this host. Run \"stasis ps\" to see the containers."
  set -f
  # shellcheck disable=SC2086 # word splitting of podman's own one-line answer is intended
  set -- $info
  set +f
  cid=$1 cname=$2 state=$3 image=${4:-}
  is_image "$image" || image=-
  if ! is_name "$cid" || ! is_cname "$cname"; then fail operation-failed "podman described container \"$ref\" in a way Stasis does not understand."; fi
}

ckpt_podman() {
  ref=$1
  shift
  need "$ref" is_name "container name or id"
  podman_ckpt_opts "$@"
  podman_describe "$ref"
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
    if [ ! -d "$HS/checkpoints/$PREV" ] || ! may_use "$HS/checkpoints/$PREV"; then fail not-found "Previous checkpoint $PREV is not in the store."; fi
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
  OPTS_JSON='' OP='' NOTE_B64='' KIND=checkpoint PREV='' leave=''
  for a in "$@"; do
    case $a in
      --leave-running) leave=--leave-running ;;
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
  is_image "$image" || image=-
  if ! is_name "$cid" || ! is_cname "$cname"; then fail operation-failed "Docker described container \"$ref\" in a way Stasis does not understand."; fi
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

# A caller who is not root may checkpoint (and so read, and without --leave-running end) only a tree that is
# wholly theirs: every thread of every process, by real, effective, saved and file-system uid, and no gid outside
# the caller's groups (a setgid program they run keeps its group's secrets).
tree_owned_by_caller() { # pid
  [ "$CALLER" = 0 ] && return 0
  groups=" $(id -G "$CALLER" 2>/dev/null) "
  [ "$groups" != '  ' ] || return 1
  queue=$1 count=0
  while [ -n "$queue" ]; do
    p=${queue%% *}
    queue=${queue#"$p"}
    queue=${queue# }
    [ -n "$p" ] || continue
    is_pid "$p" || return 1
    count=$((count + 1))
    [ "$count" -le 65536 ] || return 1
    seen=0
    for t in /proc/"$p"/task/*; do
      [ -f "$t/status" ] || continue
      uids=$(sed -n 's/^Uid:[[:space:]]*//p' "$t/status" 2>/dev/null)
      gids=$(sed -n 's/^Gid:[[:space:]]*//p' "$t/status" 2>/dev/null)
      [ -n "$uids" ] && [ -n "$gids" ] || return 1
      for u in $uids; do [ "$u" = "$CALLER" ] || return 1; done
      for g in $gids; do case $groups in *" $g "*) ;; *) return 1 ;; esac; done
      seen=$((seen + 1))
    done
    [ "$seen" -gt 0 ] || return 1
    # (/proc/PID/task/TID/children needs CONFIG_PROC_CHILDREN, which not every kernel has)
    queue="$queue $(pgrep -P "$p" | tr '\n' ' ')"
  done
}

ckpt_process() {
  pid=$1
  shift
  need "$pid" is_pid "process id"
  OPTS_JSON='' OP='' NOTE_B64='' KIND=checkpoint PREV=''
  n=$#
  while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    case $a in
      --leave-running | --tcp-established | --file-locks) set -- "$@" "$a" ;;
      --op=*) OP=${a#--op=}; need "$OP" is_opid "operation id"; continue ;;
      --note-b64=*) NOTE_B64=${a#--note-b64=}; need "$NOTE_B64" is_b64 "note"; continue ;;
      *) fail bad-request "Process checkpoints take --leave-running, --tcp-established and --file-locks." ;;
    esac
    OPTS_JSON="$OPTS_JSON${OPTS_JSON:+,}\"$a\""
  done
  [ -d "/proc/$pid" ] || fail not-found "No process $pid on this host."
  [ "$pid" -gt 1 ] || fail bad-request "Stasis does not checkpoint the init process."
  tree_owned_by_caller "$pid" ||
    fail permission-denied "Process $pid, or a process or thread under it, does not belong to you. Only root may checkpoint other users' processes."
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

# Host ports below 1024 are root's to give out: a caller who is not root may publish only higher ones.
publish_allowed() { # [ip:][hostPort[-hostPort]:]containerPort[/proto]
  [ "$CALLER" = 0 ] && return 0
  m=${1%%/*}
  case $m in
    *:*:*) hp=${m#*:}; hp=${hp%%:*} ;;
    *:*) hp=${m%%:*} ;;
    *) hp='' ;;
  esac
  for port in ${hp%%-*} ${hp#*-}; do
    case $port in '' | *[!0-9]*) fail bad-request "Invalid port mapping." ;; esac
    if [ ${#port} -gt 5 ] || [ "$port" -lt 1024 ]; then
      fail permission-denied "Only root may publish host ports below 1024; choose a port from 1024 up."
    fi
  done
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
      --publish=*) need "${a#--publish=}" is_publish "port mapping"; publish_allowed "${a#--publish=}"; set -- "$@" "$a" ;;
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
    pa=''
    if is_ckid "$parent" && may_use "$HS/checkpoints/$parent"; then pa=$(archive_of "$HS/checkpoints/$parent"); fi
    [ -n "$pa" ] || fail not-found "This checkpoint needs its pre-checkpoint $parent, which is not on this host."
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
  if ! safe_untar "$ARCH" "$dst"; then rm -rf "$dst"; fail operation-failed "Could not place the checkpoint for Docker."; fi
  # Docker uploads the checkpoint into containerd's content store; right after a `docker checkpoint create` of the
  # same files the earlier upload may not be collected yet and the start fails with "already exists" (moby#42900,
  # seen here in CI). Nothing started, so trying again once containerd's collector has run is safe.
  tries=0
  until run_watched restore /dev/null "$WORK/out" "$WORK/err" docker start --checkpoint "$ID" "$target"; do
    tries=$((tries + 1))
    if [ "$tries" -lt 5 ] && grep -q 'upload checkpoint to containerd.*already exists' "$WORK/err"; then sleep 1; continue; fi
    rm -rf "$dst"
    map_runtime_error "$WORK/err" "docker start --checkpoint"
  done
  rm -rf "$dst"
  name=$(docker inspect --format '{{.Name}}' "$target" 2>/dev/null)
  lineage_for_new docker "$target"
  result "{\"checkpoint\":\"$ID\",\"container\":{\"runtime\":\"docker\",\"id\":\"$target\",\"name\":\"${name#/}\"}}"
}

restore_process() {
  [ $# -eq 0 ] || fail bad-request "Process restores take no options."
  # CRIU restores the credentials written in the images, and a received checkpoint's images are the sender's
  # word: restored as root, they could make any process. Only root may do that.
  if [ "$CALLER" != 0 ] && [ -f "$D/received" ]; then
    fail permission-denied "Checkpoint $ID of a process tree came from another host; only root may restore it here."
  fi
  command -v criu >/dev/null 2>&1 || fail criu-missing "CRIU is not installed on this host: install CRIU 4 or newer."
  img=$WORK/img
  safe_untar "$ARCH" "$img" || fail corrupt-image "Could not unpack the checkpoint, or it holds links or special files."
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
    c=$(child_of "$ns")
    newpid=$(child_of "$c")
    newpid=${newpid:-$c}
    if ! { is_pid "$newpid" && [ "$newpid" -gt 1 ]; }; then
      map_runtime_error "$img/restore.log" "criu restore (new PID namespace): the restored tree is not running"
    fi
  else
    cp "$img/restore.log" "$WORK/err" 2>/dev/null
    map_runtime_error "$WORK/err" "criu restore"
  fi
  lineage_for_new process "$newpid"
  # Which process this checkpoint last became (with its start time: PIDs come back), so that a move whose Stasis
  # died during the restore can see whether the tree runs here (tree-check --from=CKID).
  mkdir -p "$HS/restored" && printf '%s %s\n' "$newpid" "$(proc_start "$newpid")" >"$HS/restored/$ID"
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
  checkpoint_dir "$ID"
  read_ident "$D" || fail corrupt-image "Checkpoint $ID has no valid container record."
  # Process trees keep their own rule, root only (restore_process). Checked before anything is locked or run.
  if [ "$CALLER" != 0 ] && [ -f "$D/received" ] && [ "$RT" != process ] && ! received_restore_allowed; then
    fail permission-denied "Checkpoint $ID was received from another host: its container configuration (mounts, privileges) came from outside this host, so restoring it could give you root here. Restore it as root, or ask this host's administrator to allow it for you with the line \"allow-received-restore $(caller_name)\" in $HELPER_CONF (owned by root, writable only by root)." "$CONF_WHY"
  fi
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
    may_use "${f%/meta.json}" || continue
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
  checkpoint_dir "$1"
  # The runtime's statistics go out as bytes (base64): the caller parses them as JSON, not the helper.
  stats=''
  if [ -s "$D/stats.json" ]; then stats=$(head -c 1048576 "$D/stats.json" | base64 | tr -d '\n'); fi
  files=$(cd "$D/images" 2>/dev/null && find . -type f -printf '%P\t%s\n' | sort | while IFS="$(printf '\t')" read -r p s; do
    printf '{"path":"%s","bytes":%s},' "$(json_esc "$p")" "$s"
  done)
  result "{\"meta\":$(tr -d '\n' <"$D/meta.json"),\"statsB64\":\"$stats\",\"files\":[${files%,}]}"
}

verb_delete() {
  [ $# -eq 1 ] || fail bad-request "usage: delete CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  D=$HS/checkpoints/$1
  # A half-received or damaged entry (no meta.json) is root's to remove.
  if [ ! -d "$D" ] || { [ "$CALLER" != 0 ] && ! { [ -f "$D/meta.json" ] && may_use "$D"; }; }; then
    fail not-found "No checkpoint $1 on this host."
  fi
  if read_ident "$D"; then lock_container "$RT-$CID"; fi
  mv "$D" "$HS/tmp/del-$1" || fail operation-failed "Could not remove checkpoint $1."
  rm -rf "$HS/tmp/del-$1" "$HS/restored/$1"
  result "{\"deleted\":\"$1\"}"
}

verb_images() {
  [ $# -eq 1 ] || fail bad-request "usage: images CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  checkpoint_dir "$1"
  [ -d "$D/images" ] || fail not-found "Checkpoint $1 has no stored images to browse."
  # The CRIU images without their memory pages: what the image browser reads. Sent inside the one JSON result
  # (base64), so the caller's line protocol needs no binary mode; large image sets are refused, not truncated.
  size=$(dir_bytes "$D/images")
  [ "$size" -le 25165824 ] || fail not-supported "The images of $1 are $size bytes, more than Stasis browses remotely (24 MiB). Copy the archive and open it locally."
  args=''
  if [ -s "$D/args.json" ]; then args=$(base64 <"$D/args.json" | tr -d '\n'); fi
  result "{\"tar\":\"$(tar -C "$D/images" -cf - . | base64 | tr -d '\n')\",\"argsB64\":\"$args\"}"
}

# Keeps the command lines and environments TypeScript read from this checkpoint's pages (stdin, JSON that only
# TypeScript parses, when `images` sends it back), so browsing a stored checkpoint needs no pages. At most 256 KiB:
# anything longer is refused, not cut.
verb_keep_args() {
  [ $# -eq 1 ] || fail bad-request "usage: keep-args CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  checkpoint_dir "$1"
  head -c 262145 >"$D/args.json.tmp" || fail operation-failed "Could not keep the command lines of $1."
  if [ "$(file_size "$D/args.json.tmp")" -gt 262144 ]; then
    rm -f "$D/args.json.tmp"
    fail bad-request "The command lines and environments of $1 are more than 256 KiB; Stasis keeps at most that."
  fi
  mv "$D/args.json.tmp" "$D/args.json" || fail operation-failed "Could not keep the command lines of $1."
  result '{"ok":true}'
}

verb_send() {
  [ $# -eq 1 ] || fail bad-request "usage: send CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  checkpoint_dir "$1"
  exec tar -cf - -C "$HS/checkpoints" "$1"
}

# The files a checkpoint dir may hold, at its top level (images/ is unpacked again here, never taken as sent).
is_record_name() {
  case $1 in
    ident | uid | created | kind | lineage | options | versions | note | stats.json | recovered | received | meta.json | \
      archive.tar | archive.tar.gz | archive.tar.zst | images | entrypoint | cmd | tty | left-out | runtime.log | args.json) return 0 ;;
  esac
  return 1
}

# Takes a checkpoint from another host as `send` wrote it (a tar stream of checkpoints/ID/ on stdin). Everything
# in it is the sender's word: it is unpacked into a root-only work dir, refused if it holds anything but regular
# files and directories, every record file is checked like an argument, and meta.json, the images and the owner
# are made here. The checkpoint then belongs to the caller.
verb_receive() {
  [ $# -eq 1 ] || fail bad-request "usage: receive CHECKPOINT_ID"
  need "$1" is_ckid "checkpoint id"
  store_init
  [ ! -e "$HS/checkpoints/$1" ] || fail bad-request "Checkpoint $1 is already on this host."
  TMPDIR_OP=$HS/tmp/recv-$1-$$
  mkdir "$TMPDIR_OP" || fail operation-failed "Cannot create a work directory in the Stasis store."
  printf '%s\n' "$$" >"$TMPDIR_OP/owner"
  in=$TMPDIR_OP/in
  safe_untar - "$in" || fail corrupt-image "The received checkpoint is incomplete, or holds links or special files; Stasis refuses it."
  dd=$in/$1
  if [ "$(ls -A "$in")" != "$1" ] || [ ! -d "$dd" ]; then fail corrupt-image "The received data is not Stasis checkpoint $1."; fi
  [ -z "$(find "$in" -name '*[!A-Za-z0-9_.+-]*' -print -quit)" ] || fail corrupt-image "The received checkpoint has file names Stasis refuses."
  [ "$(find "$in" | head -n 100001 | wc -l)" -le 100000 ] || fail corrupt-image "The received checkpoint has too many files."
  for f in "$dd"/* "$dd"/.[!.]* "$dd"/..?*; do
    [ -e "$f" ] || continue
    e=${f##*/}
    is_record_name "$e" || fail corrupt-image "The received checkpoint holds \"$e\", which is not part of a Stasis checkpoint."
    case $e in images) [ -d "$dd/$e" ] ;; *) [ -f "$dd/$e" ] ;; esac || fail corrupt-image "The received checkpoint's $e has the wrong type."
  done
  for e in entrypoint cmd tty; do
    [ ! -f "$dd/$e" ] || [ "$(file_size "$dd/$e")" -le 65536 ] || fail corrupt-image "The received checkpoint's $e is too large."
  done
  rm -rf "$dd/images" "$dd/meta.json" "$dd/uid" "$dd/received" "$dd/runtime.log"
  printf '%s\n' "$CALLER" >"$dd/uid"
  : >"$dd/received"
  read_record "$dd" || fail corrupt-image "The received checkpoint's record is not valid."
  arch=$(archive_of "$dd") || fail corrupt-image "The received checkpoint has no archive."
  # The archive is unpacked again later (restore, images): it too may hold only regular files and directories.
  tar -tvf "$arch" >"$TMPDIR_OP/list" 2>/dev/null || fail corrupt-image "The received archive is damaged."
  [ -z "$(cut -c1 "$TMPDIR_OP/list" | grep -v '^[-d]$' | head -n 1)" ] || fail corrupt-image "The received archive holds links or special files."
  want=inventory.img
  if [ "$RT" = podman ]; then want=checkpoint/inventory.img; fi
  awk -v w="$want" '$NF == w || $NF == "./" w { f = 1 } END { exit !f }' "$TMPDIR_OP/list" ||
    fail corrupt-image "The received archive is not a complete checkpoint."
  progress images "$(file_size "$arch")"
  extract_images "$dd" "$arch" || fail corrupt-image "The received archive holds links or special files."
  write_meta "$dd" "$arch" || fail operation-failed "Could not record the received checkpoint."
  # -T: never into a directory of that name that appeared meanwhile.
  mv -T "$dd" "$HS/checkpoints/$1" || fail operation-failed "Could not store the received checkpoint."
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
    # The container's own stop timeout applies (podman and docker default to 10 s before SIGKILL).
    stop-*) set -- "$rt" stop "$ref" ;;
    start-*) set -- "$rt" start "$ref" ;;
    # Never forced: a running container is refused, so removing one takes an explicit stop first (the app does both
    # after the user confirms). Its checkpoints in the store are not touched either way.
    remove-*) set -- "$rt" rm "$ref" ;;
  esac
  # Started containers keep conmon / the shim running: they must not inherit our stdout or the lock fd.
  if ! "$@" </dev/null >/dev/null 2>"$WORK/err" 9>&-; then
    msg=$(tail_text "$WORK/err")
    case $msg in
      *'no such container'* | *'No such container'*) fail not-found "No $rt container \"$ref\" on this host." "$msg" ;;
      *'as it is running'* | *'remove a running container'*) fail bad-request "$rt container \"$ref\" is running: stop it first, then remove it." "$msg" ;;
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
  # The pid is signalled only while it is still that operation's helper (same start time): after the helper
  # died, the pid may belong to anything.
  if ! op_live "$f"; then
    rm -f "$f"
    fail not-found "Operation $1 has already finished."
  fi
  [ "$CALLER" = 0 ] || [ "$OP_UID" = "$CALLER" ] || fail not-found "No running operation $1."
  kill -TERM "$OP_PID" 2>/dev/null || fail not-found "Operation $1 has already finished."
  result '{"cancelled":true}'
}

# ---------------------------------------------------------------------------------------------- migration
# A migration's journal lives in the source host's store, migrations/<id>: "key value" lines, each value checked
# like an argument when written, the file written aside and renamed. The next Stasis (CLI or app) reads it to find
# a migration that was cut off, and finishes it or rolls it back.

is_mgid() {
  [ ${#1} -ge 8 ] && [ ${#1} -le 63 ] || return 1
  case $1 in mg-*) ;; *) return 1 ;; esac
  case $1 in *[!a-z0-9-]*) return 1 ;; esac
}
is_hostref() { # a Stasis host id as the caller names it: "local" or an ssh alias
  [ ${#1} -ge 1 ] && [ ${#1} -le 128 ] || return 1
  case $1 in [!A-Za-z0-9]* | *[!A-Za-z0-9_.@-]*) return 1 ;; esac
}
is_mgphase() {
  case $1 in begin | frozen | dumped | restored | done | rolled-back | failed) return 0 ;; esac
  return 1
}

journal_file() { printf '%s/migrations/%s' "$HS" "$1"; }

journal_get() { # id key
  sed -n "s/^$2 //p" "$(journal_file "$1")" 2>/dev/null | head -n 1
}

journal_set() { # id key value (checked by the caller)
  jf=$(journal_file "$1")
  { grep -v "^$2 " "$jf" 2>/dev/null; printf '%s %s\n' "$2" "$3"; } >"$jf.$$" && mv "$jf.$$" "$jf"
}

journal_mine() { # id -> true when it exists and belongs to the caller
  [ -f "$(journal_file "$1")" ] || return 1
  [ "$CALLER" = 0 ] || [ "$(journal_get "$1" uid)" = "$CALLER" ]
}

journal_json() { # id -> one JSON object: its fields, and whether the helper that froze the container still runs
  live=false
  o=$(journal_get "$1" owner)
  if [ -n "$o" ]; then
    op=${o% *} ost=${o#* }
    if is_pid "$op" && [ "$(proc_start "$op")" = "$ost" ]; then live=true; fi
  fi
  printf '{"id":"%s","live":%s' "$1" "$live"
  while read -r k v; do
    case $k in
      uid | runtime | cid | cname | source | dest | dname | phase | ckid | digest | bytes | created | updated | lineage | strategy)
        printf ',"%s":"%s"' "$k" "$(json_esc "$v")" ;;
    esac
  done <"$(journal_file "$1")"
  printf '}'
}

verb_journal() { # begin ID RUNTIME CONTAINER_ID NAME SOURCE DEST DEST_NAME [STRATEGY] | set ID PHASE [CKID] | get ID | list
  store_init
  mkdir -p "$HS/migrations" || fail operation-failed "Cannot create the migration journal in the Stasis store."
  case ${1:-} in
    begin)
      [ $# -eq 8 ] || [ $# -eq 9 ] || fail bad-request "usage: journal begin ID RUNTIME CONTAINER_ID NAME SOURCE DEST DEST_NAME [STRATEGY]"
      # How a process tree moves decides how an interrupted move is settled; a journal without one is a lazy move's.
      case ${9:-lazy} in stop-and-copy | lazy) ;; *) fail bad-request "The strategy is stop-and-copy or lazy." ;; esac
      need "$2" is_mgid "migration id"
      case $3 in podman | docker | process) ;; *) fail bad-request "Unknown runtime." ;; esac
      need "$4" is_name "container id"
      need "$5" is_cname "container name"
      need "$6" is_hostref "source host"
      need "$7" is_hostref "destination host"
      need "$8" is_cname "destination name"
      jf=$(journal_file "$2")
      [ ! -e "$jf" ] || fail busy "Migration $2 already has a journal."
      lin=''
      if [ -f "$HS/lineage/$3-$4" ]; then read -r lin _ <"$HS/lineage/$3-$4"; fi
      is_ckid "$lin" || lin=''
      printf 'uid %s\nruntime %s\ncid %s\ncname %s\nsource %s\ndest %s\ndname %s\nphase begin\ncreated %s\nlineage %s\nstrategy %s\n' \
        "$CALLER" "$3" "$4" "$5" "$6" "$7" "$8" "$(now_iso)" "$lin" "${9:-}" >"$jf.$$" || fail operation-failed "Could not write the migration journal."
      mv "$jf.$$" "$jf" || fail operation-failed "Could not write the migration journal."
      result "$(journal_json "$2")" ;;
    set)
      [ $# -eq 3 ] || [ $# -eq 4 ] || fail bad-request "usage: journal set ID PHASE [CHECKPOINT_ID]"
      need "$2" is_mgid "migration id"
      need "$3" is_mgphase "migration phase"
      journal_mine "$2" || fail not-found "No migration $2 on this host."
      if [ $# -eq 4 ]; then
        # A process tree's move names the checkpoint it took with `checkpoint`: one of the caller's own.
        need "$4" is_ckid "checkpoint id"
        checkpoint_dir "$4"
        journal_set "$2" ckid "$4"
      fi
      journal_set "$2" phase "$3"
      journal_set "$2" updated "$(now_iso)"
      result "$(journal_json "$2")" ;;
    get)
      [ $# -eq 2 ] || fail bad-request "usage: journal get ID"
      need "$2" is_mgid "migration id"
      journal_mine "$2" || fail not-found "No migration $2 on this host."
      result "$(journal_json "$2")" ;;
    list)
      [ $# -eq 1 ] || fail bad-request "usage: journal list"
      printf '{"result":['
      sep=''
      for f in "$HS"/migrations/mg-*; do
        [ -f "$f" ] || continue
        id=${f##*/}
        if is_mgid "$id" && journal_mine "$id"; then
          printf '%s%s' "$sep" "$(journal_json "$id")"
          sep=','
        fi
      done
      printf '],"v":"%s"}\n' "$STASIS_HELPER_VERSION" ;;
    *) fail bad-request "usage: journal begin|set|get|list ..." ;;
  esac
}

# What migrate-check and tree-check both report (the caller judges it): criuv, CRIU's version or -, and facts, the
# JSON members criuCheck, kernel, lazyPages, dirtyTracking, pipeMaxSize and diskFree (free bytes in the store).
host_facts() {
  criuv=$(version_of criu)
  is_version "$criuv" || criuv=-
  criuok=false
  if criu check >/dev/null 2>&1; then criuok=true; fi
  lazy=false
  if criu check --feature uffd-noncoop >/dev/null 2>&1; then lazy=true; fi
  dirty=false
  if criu check --feature mem_dirty_track >/dev/null 2>&1; then dirty=true; fi
  pipemax=$(tr -cd '0-9' </proc/sys/fs/pipe-max-size 2>/dev/null)
  free=$(df -P -B1 "$HS" 2>/dev/null | awk 'NR == 2 { print $4 }' | tr -cd '0-9')
  facts="\"criuCheck\":$criuok,\"kernel\":\"$(uname -r | tr -cd 'A-Za-z0-9_.+~-')\",\"lazyPages\":$lazy,\"dirtyTracking\":$dirty,\"pipeMaxSize\":${pipemax:-0},\"diskFree\":${free:-0}"
}

# Up to 16 pieces of 256 KiB of a process's writable private memory on stdout, spread over its mappings in
# proportion to their resident size (a mapping never touched reads as zeros and is not in a dump: skipped). For the
# choice of compression on a migration's wire: only the sample's size, its zstd size and the time leave the helper.
mem_sample() { # pid
  awk '/^[0-9a-f]+-[0-9a-f]+ / { m = ($2 == "rw-p") ? $1 : "" } m != "" && $1 == "Rss:" && $2 > 0 { split(m, a, "-"); print a[1], a[2], $2 }' \
    "/proc/$1/smaps" 2>/dev/null | head -n 4096 >"$W/maps" || return 0
  total=$(awk '{ s += $3 } END { printf "%d", s }' "$W/maps")
  [ "${total:-0}" -gt 0 ] || return 0
  i=0
  while [ "$i" -lt 16 ]; do
    at=$((i * total / 16)) acc=0
    while read -r lo hi kb; do
      if [ $((acc + kb)) -gt "$at" ]; then
        size=$((0x$hi - 0x$lo))
        off=$(((at - acc) * (size / kb) / 4096 * 4096))
        len=$((size - off))
        [ "$len" -le 262144 ] || len=262144
        dd if="/proc/$1/mem" bs=65536 iflag=skip_bytes,count_bytes skip=$((0x$lo + off)) count="$len" status=none 2>/dev/null
        break
      fi
      acc=$((acc + kb))
    done <"$W/maps"
    i=$((i + 1))
  done
}

# What a migration's preflight needs to know about one host, as plain fields (the caller judges them).
#   source podman CONTAINER: the container (id, image, network, pid), its TCP sockets and resident memory
#   dest podman IMAGE NAME CPUINFO_B64: whether the image is there, the name free, the CPU compatible
# Both: versions, free disk in the store, lazy-pages and dirty-tracking support.
verb_migrate_check() {
  store_init
  if [ $# -lt 3 ] || [ "$2" != podman ]; then fail bad-request "usage: migrate-check source podman CONTAINER | dest podman IMAGE NAME CPUINFO_B64"; fi
  W=$HS/tmp/mcheck-$$
  mkdir -p "$W" || fail operation-failed "Cannot create a work directory in the Stasis store."
  TMPDIR_OP=$W
  host_facts
  podv=$(version_of podman)
  is_version "$podv" || podv=-
  ociname=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9_.-')
  zst=false
  if command -v zstd >/dev/null 2>&1; then zst=true; fi
  common="\"criu\":\"$criuv\",\"podman\":\"$podv\",\"ociRuntime\":\"$ociname\",$facts,\"zstd\":$zst"
  case $1 in
    source)
      [ $# -eq 3 ] || fail bad-request "usage: migrate-check source podman CONTAINER"
      need "$3" is_name "container name or id"
      info=$(podman container inspect --format '{{.ID}} {{.Name}} {{.State.Status}} {{.State.Pid}} {{.ImageName}} {{.Image}} {{.HostConfig.NetworkMode}}' "$3" 2>/dev/null) ||
        fail not-found "No podman container \"$3\" on this host. Run \"stasis ps\" to see the containers."
      set -f
      # shellcheck disable=SC2086 # podman's own one-line answer
      set -- $info
      set +f
      cid=$1 cname=$2 state=$3 pid=$4 image=${5:-} imageid=${6:-} net=${7:-}
      if ! is_name "$cid" || ! is_cname "$cname"; then fail operation-failed "podman described the container in a way Stasis does not understand."; fi
      is_image "$image" || image=-
      is_name "$imageid" || imageid=-
      net=$(printf '%s' "$net" | tr -cd 'A-Za-z0-9_.:/-' | head -c 64)
      tcpest=0 tcplisten=0 udp=0 rss=0
      if [ "$state" = running ] && is_pid "$pid"; then
        # TCP states in /proc/PID/net/tcp*: 01 established, 0A listening (the container's own network namespace)
        tcpest=$(cat "/proc/$pid/net/tcp" "/proc/$pid/net/tcp6" 2>/dev/null | awk '$4 == "01"' | wc -l)
        tcplisten=$(cat "/proc/$pid/net/tcp" "/proc/$pid/net/tcp6" 2>/dev/null | awk '$4 == "0A"' | wc -l)
        udp=$(cat "/proc/$pid/net/udp" "/proc/$pid/net/udp6" 2>/dev/null | awk 'NR > 1 && $2 !~ /local_address/' | wc -l)
        ns=$(readlink "/proc/$pid/ns/pid")
        for p in $(find /proc/[0-9]*/ns/pid -maxdepth 0 -printf '%l %p\n' 2>/dev/null |
          awk -v ns="$ns" '$1 == ns { split($2, a, "/"); print a[3] }' | head -n 4096); do
          kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$p/status" 2>/dev/null)
          rss=$((rss + ${kb:-0} * 1024))
        done
      fi
      sraw=0 szst=0 sus=0
      if [ "$state" = running ] && is_pid "$pid" && [ "$zst" = true ]; then
        mem_sample "$pid" >"$W/sample"
        sraw=$(file_size "$W/sample")
        t0=$(date +%s%N)
        szst=$(zstd -q -1 -T0 -c <"$W/sample" | wc -c | tr -cd '0-9')
        t1=$(date +%s%N)
        sus=$(((t1 - t0) / 1000))
        rm -f "$W/sample" "$W/maps"
      fi
      cpu=''
      if criu cpuinfo dump -D "$W" >/dev/null 2>&1 && [ "$(file_size "$W/cpuinfo.img")" -le 1024 ]; then
        cpu=$(base64 <"$W/cpuinfo.img" | tr -d '\n')
      fi
      rm -rf "$W"
      TMPDIR_OP=''
      result "{$common,\"id\":\"$cid\",\"name\":\"$cname\",\"state\":\"$(printf '%s' "$state" | tr -cd '[:lower:]')\",\"image\":\"$image\",\"imageId\":\"$imageid\",\"network\":\"$net\",\"tcpEstablished\":$tcpest,\"tcpListening\":$tcplisten,\"udp\":$udp,\"rss\":$rss,\"sampleBytes\":$sraw,\"sampleZstdBytes\":${szst:-0},\"sampleZstdUs\":$sus,\"cpuinfo\":\"$cpu\"}" ;;
    dest)
      [ $# -eq 5 ] || fail bad-request "usage: migrate-check dest podman IMAGE NAME CPUINFO_B64"
      need "$3" is_image "image"
      need "$4" is_name "container name"
      [ "$5" = - ] || need "$5" is_b64 "CPU description"
      imageid=$(podman image inspect --format '{{.Id}}' "$3" 2>/dev/null | head -n 1)
      is_name "$imageid" || imageid=''
      taken=false
      if podman container exists "$4" 2>/dev/null; then taken=true; fi
      cpuok=null
      if [ "$5" != - ]; then
        cpuok=false
        if printf '%s' "$5" | base64 -d >"$W/cpuinfo.img" 2>/dev/null; then
          # Seen failing once under heavy load and passing when asked again: three tries before saying no.
          for _ in 1 2 3; do
            if criu cpuinfo check -D "$W" >"$W/out" 2>&1; then cpuok=true; break; fi
          done
        fi
      fi
      # CRIU's own words when the check failed, for the caller to tell a CPU mismatch from a failure to check.
      cpuwhy=''
      if [ "$cpuok" = false ]; then cpuwhy=$(json_esc "$(grep -v rlimit "$W/out" 2>/dev/null | tail -n 2 | head -c 400)"); fi
      rm -rf "$W"
      TMPDIR_OP=''
      # The migration ends with `restore` of a received checkpoint here: say now whether this caller may.
      rr=true
      if [ "$CALLER" != 0 ] && ! received_restore_allowed; then rr=false; fi
      result "{$common,\"imageId\":\"$imageid\",\"nameTaken\":$taken,\"cpuCompatible\":$cpuok,\"cpuCheckOutput\":\"$cpuwhy\",\"receivedRestore\":$rr,\"caller\":\"$(caller_name)\"}" ;;
    *) fail bad-request "usage: migrate-check source|dest ..." ;;
  esac
}

# The source half of a streamed stop-and-copy: checkpoints a podman container into this host's store (as
# checkpoint CKID) and streams the archive on stdout while podman writes it; tee keeps the store's copy. Its
# stdout is raw bytes; how it ended is in the journal (phase dumped + digest + bytes, or failed). From the freeze
# on, hang-ups, broken pipes and cancels no longer stop it: the stored checkpoint is how the container comes back
# here if the destination never runs it.
wire_codec() { # none|zstd: how a migration's archive travels (the caller decides; zstd must be on both hosts)
  case $1 in
    none) ;;
    zstd) command -v zstd >/dev/null 2>&1 || fail operation-failed "zstd is missing on this host: install it, or migrate without compression." ;;
    *) fail bad-request "The compression on the wire is none or zstd." ;;
  esac
}

# True when podman's export ends with tar's two zero end blocks and holds a CRIU inventory: podman wrote it all.
export_whole() { # file
  [ "$(file_size "$1")" -ge 2048 ] || return 1
  [ "$(tail -c 1024 "$1" | tr -d '\000' | wc -c)" -eq 0 ] || return 1
  archive_complete "$1" podman
}

publish_digest() { # the source's CRC-32 and size of the stored archive, for the caller's end-to-end check
  sum=$(cksum <"$TMPDIR_OP/archive.tar")
  journal_set "$MG" digest "${sum%% *}"
  journal_set "$MG" bytes "$(file_size "$TMPDIR_OP/archive.tar")"
}

verb_migrate_out() { # MIGRATION_ID CKID podman CONTAINER none|zstd
  [ $# -eq 5 ] || fail bad-request "usage: migrate-out MIGRATION_ID CHECKPOINT_ID podman CONTAINER none|zstd"
  need "$1" is_mgid "migration id"
  need "$2" is_ckid "checkpoint id"
  [ "$3" = podman ] || fail not-supported "Streamed migration moves podman containers."
  need "$4" is_name "container name or id"
  wire_codec "$5"
  store_init
  MG=$1 WANT=$2 ref=$4
  journal_mine "$MG" || fail not-found "No migration $MG on this host: its journal must be begun first."
  [ "$(journal_get "$MG" phase)" = begin ] || fail busy "Migration $MG has already frozen its container."
  # Live from here on: a caller whose destination failed at once must not judge the hosts while this helper is
  # still about to freeze the container (it would find it neither running nor stored).
  journal_set "$MG" owner "$$ $(proc_start "$$")"
  if [ -e "$HS/checkpoints/$WANT" ] || [ -e "$HS/tmp/$WANT" ]; then fail busy "Checkpoint $WANT already exists."; fi
  podman_describe "$ref"
  [ "$cid" = "$(journal_get "$MG" cid)" ] || fail bad-request "Container \"$ref\" is not the one migration $MG was begun for."
  [ "$state" = running ] || fail bad-request "Container \"$cname\" is $state; only running containers can be migrated."
  OPTS_JSON='"--compress=none"' OP='' NOTE_B64='' KIND=checkpoint PREV='' LEFT_OUT=''
  begin_checkpoint podman "$cid" "$cname" "$image"
  # The caller names the checkpoint, so that the destination can store its copy under the same id.
  wait "$VERJOB" 2>/dev/null
  mv "$TMPDIR_OP" "$HS/tmp/$WANT" || fail operation-failed "Cannot create a work directory in the Stasis store."
  TMPDIR_OP=$HS/tmp/$WANT CK=$WANT
  VERJOB=''
  journal_set "$MG" ckid "$CK"
  journal_set "$MG" phase frozen
  trap '' HUP PIPE INT TERM
  # The store keeps the plain archive and the digest is of it; only the wire may be compressed. Nothing else reads
  # the stream on its way out: on a two-core machine each extra reader (a hash beside tee) took CPU from the relay
  # and made the frozen time longer. tee -p keeps writing the store's copy if the stream to the caller breaks.
  # podman writes the export into a fifo it opens by name, so that the stream ends when podman closes the export, not
  # when podman exits: after the export it still deletes the runc container and syncs its database (~0.45 s of
  # frozen time here), and an inherited /dev/fd/N stays open until it exits.
  fifo=$TMPDIR_OP/export.fifo
  mkfifo "$fifo" || fail operation-failed "Cannot create a work directory in the Stasis store."
  (
    podman container checkpoint --export "$fifo" --print-stats --compress=none "$cid" >"$TMPDIR_OP/stats.out" 2>"$TMPDIR_OP/runtime.log" </dev/null
    echo $? >"$TMPDIR_OP/rc"
    # Had podman failed before opening the export, tee would wait for a writer forever: one that ends at once.
    : 1<>"$fifo"
  ) >/dev/null &
  pj=$!
  if [ "$5" = zstd ]; then
    tee -p "$TMPDIR_OP/archive.tar" <"$fifo" | zstd -q -1 -T0 -c
  else
    tee -p "$TMPDIR_OP/archive.tar" <"$fifo"
  fi
  # The caller's stream ends here; the digest it waits for in the journal comes next.
  exec >/dev/null
  # A whole archive (tar's end blocks, a CRIU inventory) is published at once, while podman still tidies up: CRIU's
  # dump is through and has ended the container here. Anything less waits for podman's verdict.
  complete=false
  if export_whole "$TMPDIR_OP/archive.tar"; then
    complete=true
    publish_digest
  fi
  wait "$pj"
  rc=$(cat "$TMPDIR_OP/rc" 2>/dev/null)
  rm -f "$fifo"
  if [ "$rc" != 0 ] && [ "$complete" = false ]; then
    journal_set "$MG" phase failed
    cp "$TMPDIR_OP/runtime.log" "$HS/migrations/$MG.log" 2>/dev/null
    printf 'podman checkpoint failed: %s\n' "$(tail_text "$TMPDIR_OP/runtime.log" | tr '\n' ' ')" >&2
    cleanup
    exit 1
  fi
  # podman failing after a whole export (its clean-up) still leaves the checkpoint: it is kept, with podman's words.
  [ "$rc" = 0 ] || cp "$TMPDIR_OP/runtime.log" "$HS/migrations/$MG.log" 2>/dev/null
  [ "$complete" = true ] || publish_digest
  # Storing the checkpoint (unpacking its images for the browser) goes on while the caller compares the digests.
  tr '\n' ' ' <"$TMPDIR_OP/stats.out" >"$TMPDIR_OP/stats.json"
  rm -f "$TMPDIR_OP/stats.out" "$TMPDIR_OP/rc"
  finalize "$TMPDIR_OP" false || { journal_set "$MG" phase failed; printf 'The checkpoint was taken but could not be stored.\n' >&2; exit 1; }
  TMPDIR_OP=''
  journal_set "$MG" phase dumped
  journal_set "$MG" owner ''
  exit 0
}

# The destination half: reads the archive from stdin into this store as checkpoint CKID (same lineage as the
# source's), then hashes it, lists it and unpacks its non-page images, so that the restore can start right after. Everything in it is the sender's word: only regular files and directories,
# a complete CRIU inventory, and the record is made here from checked arguments.
verb_migrate_in() { # MIGRATION_ID CKID podman CONTAINER_ID NAME IMAGE LINEAGE none|zstd
  [ $# -eq 8 ] || fail bad-request "usage: migrate-in MIGRATION_ID CHECKPOINT_ID podman CONTAINER_ID NAME IMAGE LINEAGE none|zstd"
  need "$1" is_mgid "migration id"
  need "$2" is_ckid "checkpoint id"
  [ "$3" = podman ] || fail not-supported "Streamed migration moves podman containers."
  need "$4" is_name "container id"
  need "$5" is_cname "container name"
  [ "$6" = - ] || need "$6" is_image "image"
  need "$7" is_ckid "lineage"
  wire_codec "$8"
  store_init
  [ ! -e "$HS/checkpoints/$2" ] || fail busy "Checkpoint $2 is already on this host."
  TMPDIR_OP=$HS/tmp/mig-$2-$$
  mkdir "$TMPDIR_OP" || fail operation-failed "Cannot create a work directory in the Stasis store."
  printf '%s\n' "$$" >"$TMPDIR_OP/owner"
  dd=$TMPDIR_OP/$2
  mkdir "$dd" || fail operation-failed "Cannot create a work directory in the Stasis store."
  RT=podman
  # The bytes land in the store with nothing else reading them on the way: on a two-core machine each extra reader
  # of the stream (a hash, a listing and an unpacking beside tee) took CPU from the relay and made the frozen time
  # longer. The stored file is then checked where it lies: cksum reads 256 MiB from the page cache in ~0.1 s, and
  # tar seeks over the memory pages instead of reading them.
  progress transfer 0
  if [ "$8" = zstd ]; then
    # A damaged or cut stream ends zstd early: the size and digest then differ from the source's.
    zstd -q -d -c >"$dd/archive.tar"
  else
    cat >"$dd/archive.tar"
  fi
  tar -tvf "$dd/archive.tar" >"$TMPDIR_OP/list" 2>/dev/null || fail corrupt-image "The received archive is damaged or incomplete."
  [ -z "$(cut -c1 "$TMPDIR_OP/list" | grep -v '^[-d]$' | head -n 1)" ] || fail corrupt-image "The received archive holds links or special files."
  awk '$NF == "checkpoint/inventory.img" { f = 1 } END { exit !f }' "$TMPDIR_OP/list" ||
    fail corrupt-image "The received archive is not a complete checkpoint."
  extract_images "$dd" "$dd/archive.tar" || fail corrupt-image "The received archive holds links, special files or names that leave its folder."
  sum=$(cksum <"$dd/archive.tar")
  sum=${sum%% *}
  printf '%s %s %s %s\n' podman "$4" "$5" "$6" >"$dd/ident"
  printf '%s\n' "$CALLER" >"$dd/uid"
  now_iso >"$dd/created"
  printf '%s' checkpoint >"$dd/kind"
  printf '%s\n' "$7" >"$dd/lineage"
  printf '%s' '"--compress=none"' >"$dd/options"
  : >"$dd/received"
  read_record "$dd" || fail corrupt-image "The received checkpoint's record is not valid."
  write_meta "$dd" "$dd/archive.tar" || fail operation-failed "Could not record the received checkpoint."
  mv -T "$dd" "$HS/checkpoints/$2" || fail operation-failed "Could not store the received checkpoint."
  rm -rf "$TMPDIR_OP"
  TMPDIR_OP=''
  result "{\"meta\":$(tr -d '\n' <"$HS/checkpoints/$2/meta.json"),\"digest\":\"$sum\",\"bytes\":$(file_size "$HS/checkpoints/$2/archive.tar")}"
}

# A migration's missing image, copied over the same path as the checkpoint: `image-out IMAGE` writes
# `podman save` to stdout (raw bytes), `image-in` loads one from stdin. Loading puts whatever arrives into root's
# image store, so only root may do it.
verb_image_out() { # IMAGE
  [ $# -eq 1 ] || fail bad-request "usage: image-out IMAGE"
  need "$1" is_image "image"
  podman image exists "$1" 2>/dev/null || fail not-found "No image $1 on this host."
  exec podman save -q "$1"
}

verb_image_in() {
  [ $# -eq 0 ] || fail bad-request "image-in takes no arguments."
  [ "$CALLER" = 0 ] || fail permission-denied "Only root may load images into this host's store; copy the image with podman save | podman load yourself."
  store_init
  W=$HS/tmp/image-in-$$
  mkdir -p "$W" || fail operation-failed "Cannot create a work directory in the Stasis store."
  TMPDIR_OP=$W
  progress image-copy 0
  podman load -q >"$W/out" 2>"$W/err" || fail operation-failed "podman load refused the image." "$(tail_text "$W/err")"
  loaded=$(sed -n 's/^Loaded image[^:]*: *//p' "$W/out" | head -n 1)
  is_image "$loaded" || loaded=''
  rm -rf "$W"
  TMPDIR_OP=''
  result "{\"loaded\":\"$loaded\"}"
}

# A process tree's migration facts (the caller judges them): `tree-check PID` on the source, `tree-check -` on the
# destination. Versions, criu check, lazy-pages and dirty-tracking support, free disk in the store, the caller; with
# a PID whether it runs, its name and the resident memory of the tree under it.
verb_tree_check() { # PID|-|--from=CHECKPOINT_ID
  [ $# -eq 1 ] || fail bad-request "usage: tree-check PID|-|--from=CHECKPOINT_ID"
  store_init
  case $1 in
    --from=*)
      # The process a restore of this checkpoint made here, while it is still that process; else none.
      fck=${1#--from=}
      need "$fck" is_ckid "checkpoint id"
      checkpoint_dir "$fck"
      set -- -
      if [ -f "$HS/restored/$fck" ]; then
        read -r rp rst _ <"$HS/restored/$fck"
        if is_pid "$rp" && [ -n "$rst" ] && [ "$(proc_start "$rp")" = "$rst" ]; then set -- "$rp"; fi
      fi ;;
    -) ;;
    *) need "$1" is_pid "process id" ;;
  esac
  host_facts
  alive=false comm='' rss=0
  if [ "$1" != - ] && [ -d "/proc/$1" ]; then
    tree_owned_by_caller "$1" || fail permission-denied "Process $1, or a process under it, does not belong to you."
    alive=true
    comm=$(tr -d '\n' <"/proc/$1/comm" 2>/dev/null | tr -c 'A-Za-z0-9_.-' '_' | head -c 64)
    queue=$1 count=0
    while [ -n "$queue" ] && [ "$count" -lt 4096 ]; do
      p=${queue%% *}
      queue=${queue#"$p"}
      queue=${queue# }
      is_pid "$p" || continue
      count=$((count + 1))
      kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$p/status" 2>/dev/null)
      rss=$((rss + ${kb:-0} * 1024))
      queue="$queue $(pgrep -P "$p" | tr '\n' ' ')"
    done
  fi
  result "{\"criu\":\"$criuv\",$facts,\"alive\":$alive,\"pid\":\"$1\",\"comm\":\"$comm\",\"rss\":$rss,\"caller\":\"$(caller_name)\"}"
}

# ---------------------------------------------------------------------------------------------- lazy moves
# Post-copy migration of a process tree. The source's `lazy-out` dumps everything but memory and leaves CRIU
# serving the pages on 127.0.0.1:PORT; the destination's `lazy-in` restores from those images with CRIU's
# lazy-pages daemon pulling the pages from 127.0.0.1:PORT there (the caller joins the two ports, through SSH
# port forwarding). `lazy-end` waits for the pages to be through, or undoes the move: the destination's tree is
# killed (it has only part of its memory) before the source's CRIU is, which lets the source tree run on.
# Work dir: lazy/<mg-id>/ (uid, img/, the tools' logs, pids and exit codes).

is_port() { # 1024-65535, no leading zero
  case $1 in '' | 0* | *[!0-9]*) return 1 ;; esac
  [ ${#1} -le 5 ] && [ "$1" -ge 1024 ] && [ "$1" -le 65535 ]
}

lazy_dir() { # mgid -> LZ, which must exist and be the caller's
  LZ=$HS/lazy/$1
  [ -d "$LZ" ] || fail not-found "No lazy migration $1 on this host."
  [ "$CALLER" = 0 ] || [ "$(cat "$LZ/uid" 2>/dev/null)" = "$CALLER" ] || fail permission-denied "Lazy migration $1 is not yours."
}

lazy_new() { # mgid -> LZ, made empty for the caller
  mkdir -p "$HS/lazy" || fail operation-failed "Cannot create a work directory in the Stasis store."
  LZ=$HS/lazy/$1
  mkdir "$LZ" 2>/dev/null || fail bad-request "Lazy migration $1 already exists on this host."
  printf '%s\n' "$CALLER" >"$LZ/uid"
}

# A process's first child, or nothing. Never asked of nothing: `pgrep -P ""` fails, but `pgrep -P 0` answers PID 1,
# the host's init, and a restore that took that for its tree's root once SIGKILLed it (everything on the machine went).
child_of() { # pid
  case $1 in '' | 0 | 1 | *[!0-9]*) return 0 ;; esac
  pgrep -P "$1" 2>/dev/null | head -n 1
}

# PIDs come back: a recorded one is signalled only while it is still the process recorded (its start time).
pid_rec() { # pid -> "pid start" of the living process, or nothing
  is_pid "$1" || return 0
  st=$(proc_start "$1")
  if [ -n "$st" ]; then printf '%s %s' "$1" "$st"; fi
}

kill_rec() { # signal "pid start"...
  sig=$1
  shift
  for r in "$@"; do
    rp=${r%% *} rs=${r#* }
    # never init (PID 1) and never this helper, whatever a record says
    if is_pid "$rp" && [ "$rp" -gt 1 ] && [ "$rp" != "$$" ] && [ -n "$rs" ] && [ "$rs" != "$r" ] && [ "$(proc_start "$rp")" = "$rs" ]; then kill "-$sig" "$rp" 2>/dev/null; fi
  done
}

rec_in() { # file -> its "pid start" record, checked
  head -n 1 "$1" 2>/dev/null | sed -n 's/^\([0-9][0-9]*\) \([0-9][0-9]*\)$/\1 \2/p'
}

num_in() { # file -> its number, or nothing
  n=$(head -c 16 "$1" 2>/dev/null | tr -cd '0-9')
  printf '%s' "$n"
}

listening() { # pid port -> true when process pid holds the socket listening on 127.0.0.1:port
  inode=$(awk -v a="$(printf '0100007F:%04X' "$2")" '$2 == a && $4 == "0A" { print $10; exit }' /proc/net/tcp 2>/dev/null)
  [ -n "$inode" ] || return 1
  for fd in "/proc/$1/fd"/*; do
    [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ] && return 0
  done
  return 1
}

# Runs a tool in its own session (it outlives this verb and a cut SSH channel); NAME.pid gets its pid, NAME.rc
# its exit code once it ends.
lazy_spawn() { # name cmd...
  n=$1
  shift
  # shellcheck disable=SC2016 # the script's own variables, expanded by the inner sh
  setsid sh -c '
    d=$1 n=$2
    shift 2
    "$@" </dev/null >"$d/$n.out" 2>&1 &
    echo $! >"$d/$n.pid"
    st=$(sed -n "s/^.*) //p" "/proc/$!/stat" 2>/dev/null | cut -d" " -f20)
    if [ -n "$st" ]; then echo "$! $st" >"$d/$n.rec"; fi
    wait $!
    echo $? >"$d/$n.rc"
  ' lazy "$LZ" "$n" "$@" </dev/null >/dev/null 2>&1 9>&- &
}

verb_lazy_out() { # MIGRATION_ID PID PORT
  [ $# -eq 3 ] || fail bad-request "usage: lazy-out MIGRATION_ID PID PORT"
  need "$1" is_mgid "migration id"
  need "$2" is_pid "process id"
  need "$3" is_port "port"
  store_init
  pid=$2 port=$3
  [ -d "/proc/$pid" ] || fail not-found "No process $pid on this host."
  [ "$pid" -gt 1 ] || fail bad-request "Stasis does not checkpoint the init process."
  tree_owned_by_caller "$pid" ||
    fail permission-denied "Process $pid, or a process or thread under it, does not belong to you. Only root may move other users' processes."
  command -v criu >/dev/null 2>&1 || fail criu-missing "CRIU is not installed on this host: install CRIU 4 or newer."
  lazy_new "$1"
  mkdir "$LZ/img"
  printf '%s\n' "$port" >"$LZ/port"
  # --leave-stopped: CRIU takes a page channel that closes for a transfer that is through and would kill the tree;
  # stopped, it waits for the caller to say whether the destination has every page (finish) or not (abort).
  lazy_spawn dump criu dump -t "$pid" -D "$LZ/img" --work-dir "$LZ" -o dump.log -v4 --shell-job --leave-stopped \
    --lazy-pages --address 127.0.0.1 --port "$port"
  # The tree's processes, for finish (kill) and abort (continue): CRIU leaves them stopped when it is through.
  # Walked while CRIU starts (a pgrep per process reads all of /proc), and frozen by it, the tree holds still.
  (
    trap - INT TERM HUP
    queue=$pid count=0
    while [ -n "$queue" ] && [ "$count" -lt 65536 ]; do
      p=${queue%% *}
      queue=${queue#"$p"}
      queue=${queue# }
      is_pid "$p" || continue
      count=$((count + 1))
      pid_rec "$p"
      echo
      queue="$queue $(pgrep -P "$p" | tr '\n' ' ')"
    done >"$LZ/tree.pids.new"
    mv "$LZ/tree.pids.new" "$LZ/tree.pids"
  ) </dev/null >/dev/null 2>&1 &
  walker=$!
  i=0 marked=''
  while :; do
    if [ -f "$LZ/dump.rc" ]; then
      why=$(tail_text "$LZ/dump.log")
      rm -rf "$LZ"
      fail runtime-failed "criu dump --lazy-pages failed; process $pid runs on here." "$why"
    fi
    cpid=$(num_in "$LZ/dump.pid")
    if [ -n "$cpid" ] && listening "$cpid" "$port"; then break; fi
    if [ -n "$cpid" ] && [ -z "$marked" ]; then
      marked=1
      if journal_mine "$1"; then
        # The journal is live while CRIU holds the tree: no other caller settles a move that is under way.
        journal_set "$1" owner "$cpid $(proc_start "$cpid")"
        journal_set "$1" phase frozen
      fi
    fi
    i=$((i + 1))
    if [ $i -ge 6000 ]; then
      kill_rec KILL "$(rec_in "$LZ/dump.rec")"
      fail timeout "CRIU did not start serving the pages of process $pid within 2 minutes; it runs on here."
    fi
    sleep 0.02
  done
  wait "$walker"
  # Nobody took the pages within 2 minutes (the caller is gone): end CRIU, which lets the tree run on here.
  rec=$(rec_in "$LZ/dump.rec")
  (
    trap - INT TERM HUP
    sleep 120
    if listening "$cpid" "$port"; then kill_rec KILL "$rec"; fi
  ) </dev/null >/dev/null 2>&1 9>&- &
  # The images without memory, as a tar stream (CRIU's log stays here).
  exec tar -cf - -C "$LZ/img" .
}

verb_lazy_in() { # MIGRATION_ID PORT   (stdin: lazy-out's tar stream)
  [ $# -eq 2 ] || fail bad-request "usage: lazy-in MIGRATION_ID PORT"
  need "$1" is_mgid "migration id"
  need "$2" is_port "port"
  # CRIU restores the credentials written in the images, and these come from another host.
  [ "$CALLER" = 0 ] || fail permission-denied "Only root may restore a process tree that comes from another host."
  store_init
  command -v criu >/dev/null 2>&1 || fail criu-missing "CRIU is not installed on this host: install CRIU 4 or newer."
  lazy_new "$1"
  # Until the tree runs, any failure (or a signal) fences what was started and removes the work dir.
  TMPDIR_OP=$LZ LAZY_DEST=$LZ
  safe_untar - "$LZ/img" || fail corrupt-image "The images that arrived are incomplete, or hold links or special files; Stasis refuses them."
  [ -z "$(find "$LZ/img" -mindepth 1 \( -type d -o -name '*[!A-Za-z0-9_.+-]*' \) -print -quit)" ] ||
    fail corrupt-image "The images that arrived have names or directories Stasis refuses."
  [ "$(find "$LZ/img" | head -n 100001 | wc -l)" -le 100000 ] || fail corrupt-image "Too many image files arrived."
  if [ ! -f "$LZ/img/inventory.img" ] || [ ! -f "$LZ/img/pstree.img" ]; then
    fail corrupt-image "The images that arrived are not a CRIU dump."
  fi
  progress lazy-pages 0
  # The daemon fences its own tree when it fails: a restored tree whose missing pages can no longer come would
  # read zeros where its memory was, so it must not run on (whether or not the caller can still reach this host).
  # shellcheck disable=SC2016 # the script's own variables, expanded by the inner sh
  setsid sh -c '
    d=$1
    shift
    "$@" </dev/null >"$d/lazy.out" 2>&1 &
    echo $! >"$d/lazy.pid"
    st=$(sed -n "s/^.*) //p" "/proc/$!/stat" 2>/dev/null | cut -d" " -f20)
    if [ -n "$st" ]; then echo "$! $st" >"$d/lazy.rec"; fi
    wait $!
    rc=$?
    if [ $rc -ne 0 ]; then
      # only the processes recorded at the restore, each while it is still that process (PIDs come back). The tree
      # lives in a PID namespace whose init is the child of the recorded unshare: when the daemon fails before
      # lazy-in has recorded that init, it is found under unshare first (killing unshare alone leaves it running).
      for f in init nsinit ns; do
        if [ "$f" = nsinit ]; then
          r=$(head -n 1 "$d/ns.rec" 2>/dev/null)
          p=${r%% *} s=${r#* }
          case $p$s in "" | *[!0-9]*) continue ;; esac
          [ "$p" -gt 1 ] || continue
          [ "$(sed -n "s/^.*) //p" "/proc/$p/stat" 2>/dev/null | cut -d" " -f20)" = "$s" ] || continue
          c=$(pgrep -P "$p" 2>/dev/null | head -n 1)
          case $c in "" | 0 | 1 | *[!0-9]*) continue ;; esac
          kill -KILL "$c"
          continue
        fi
        r=$(head -n 1 "$d/$f.rec" 2>/dev/null)
        p=${r%% *} s=${r#* }
        case $p$s in "" | *[!0-9]*) continue ;; esac
        [ "$p" -gt 1 ] || continue # never init
        [ "$(sed -n "s/^.*) //p" "/proc/$p/stat" 2>/dev/null | cut -d" " -f20)" = "$s" ] && kill -KILL "$p"
      done
    fi
    echo $rc >"$d/lazy.rc"
  ' lazy "$LZ" criu lazy-pages --page-server --address 127.0.0.1 --port "$2" -D "$LZ/img" --work-dir "$LZ" -o lazy.log -v4 \
    </dev/null >/dev/null 2>&1 9>&- &
  i=0
  until [ -S "$LZ/lazy-pages.socket" ]; do
    if [ -f "$LZ/lazy.rc" ]; then fail runtime-failed "CRIU's lazy-pages daemon did not start." "$(tail_text "$LZ/lazy.log")"; fi
    i=$((i + 1))
    [ $i -lt 3000 ] || fail timeout "CRIU's lazy-pages daemon did not start within a minute."
    sleep 0.02
  done
  progress restore 0
  # Always a fresh PID namespace: the tree's PIDs may be taken here (on one machine, by the frozen original).
  lazy_spawn ns unshare --pid --fork --mount-proc criu restore -D "$LZ/img" --work-dir "$LZ" -o restore.log -v4 \
    --shell-job --lazy-pages --pidfile "$LZ/pid"
  i=0
  until [ -s "$LZ/pid" ]; do
    if [ -f "$LZ/ns.rc" ]; then
      lazy_stop_dest
      fail runtime-failed "criu restore --lazy-pages failed." "$(tail_text "$LZ/restore.log")"
    fi
    i=$((i + 1))
    if [ $i -ge 6000 ]; then
      lazy_stop_dest
      fail timeout "criu restore --lazy-pages did not finish within 2 minutes."
    fi
    sleep 0.02
  done
  # unshare -> criu (pid 1 inside) -> the restored tree. ns.pid is written by lazy_spawn's shell right after it
  # started unshare, which a loaded machine may not have run yet: wait for it rather than read nothing.
  i=0
  ns=$(num_in "$LZ/ns.pid")
  while [ -z "$ns" ] && [ $i -lt 250 ]; do
    sleep 0.02
    i=$((i + 1))
    ns=$(num_in "$LZ/ns.pid")
  done
  c=$(child_of "$ns")
  newpid=$(child_of "$c")
  newpid=${newpid:-$c}
  if ! { is_pid "$newpid" && [ "$newpid" -gt 1 ]; }; then
    lazy_stop_dest
    fail runtime-failed "The restored tree is not running." "$(tail_text "$LZ/restore.log")"
  fi
  printf '%s\n' "$c" >"$LZ/init.pid"
  pid_rec "$c" >"$LZ/init.rec"
  TMPDIR_OP='' LAZY_DEST=''
  result "{\"pid\":\"$newpid\"}"
}

lazy_stop_dest() { # the fence: the restored tree (its PID namespace's init takes everything in it along), then the daemon
  ns=$(rec_in "$LZ/ns.rec")
  init=$(rec_in "$LZ/init.rec")
  if [ -z "$init" ] && [ -n "$ns" ]; then
    # before lazy-in recorded it: the namespace's init is the child of the recorded unshare
    kill_rec STOP "$ns"
    init=$(pid_rec "$(child_of "${ns%% *}")")
  fi
  kill_rec KILL "$init" "$ns" "$(rec_in "$LZ/lazy.rec")"
}

tree_running() { # pid -> true while it exists and is not a zombie (whose parent has not reaped it yet)
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  st=$(sed -n 's/^.*) \([A-Za-z]\) .*$/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

lazy_wait_rc() { # name seconds -> the tool's exit code once it ended, or nothing
  i=0
  while [ ! -f "$LZ/$1.rc" ] && [ $i -lt $(($2 * 20)) ]; do
    sleep 0.05
    i=$((i + 1))
  done
  num_in "$LZ/$1.rc"
}

tree_signal() { # signal -> sent to every process of the source tree as recorded before the dump (while still it)
  while read -r tp ts; do
    kill_rec "$1" "$tp $ts"
  done <"$LZ/tree.pids" 2>/dev/null
}

tree_left() { # -> true while a process of the recorded source tree is still there (running or stopped)
  while read -r tp ts; do
    if is_pid "$tp" && [ "$(proc_start "$tp")" = "$ts" ] && tree_running "$tp"; then return 0; fi
  done <"$LZ/tree.pids" 2>/dev/null
  return 1
}

# wait: until CRIU's side is through (source: the dump ended, its tree left stopped; destination: the lazy-pages
# daemon ended, every page in). finish (source, after the destination's wait said all is there): the stopped
# tree is killed. abort: destination: the restored tree and the daemon are killed; source: CRIU is ended and the
# tree let run on. Each answers what happened; finish, abort and a clean destination wait remove the work dir
# (abort keeps CRIU's logs as lazy/<mg-id>.<log>, the newest 60 files).
verb_lazy_end() { # MIGRATION_ID wait|abort|finish [SECONDS]
  if [ $# -lt 2 ] || [ $# -gt 3 ]; then fail bad-request "usage: lazy-end MIGRATION_ID wait|abort|finish [SECONDS]"; fi
  need "$1" is_mgid "migration id"
  case $2 in wait | abort | finish) ;; *) fail bad-request "lazy-end takes wait, abort or finish." ;; esac
  secs=${3:-600}
  need "$secs" is_count "seconds"
  store_init
  mark=$HS/lazy/$1.done
  if [ ! -d "$HS/lazy/$1" ] && [ -f "$mark" ] && [ "$2" != finish ]; then
    # The destination's move ended cleanly earlier (its work dir is gone): say so, for a caller settling it late.
    [ "$CALLER" = 0 ] || [ "$(sed -n 2p "$mark")" = "$CALLER" ] || fail permission-denied "Lazy migration $1 is not yours."
    alive=false
    r=$(rec_in "$mark")
    if [ "$2" = wait ] && [ -n "$r" ] && [ "$(proc_start "${r%% *}")" = "${r#* }" ] && tree_running "${r%% *}"; then alive=true; fi
    if [ "$2" = abort ]; then kill_rec KILL "$r"; fi
    result "{\"side\":\"dest\",\"ended\":true,\"rc\":0,\"treeAlive\":$alive,\"log\":\"\"}"
    return
  fi
  lazy_dir "$1"
  if [ -f "$LZ/dump.pid" ]; then side=source tool=dump log=dump.log; else side=dest tool=lazy log=lazy.log; fi
  case $side-$2 in
    dest-finish) fail bad-request "lazy-end finish is for the source." ;;
    dest-abort) lazy_stop_dest ;;
    source-abort)
      # Killed while it waits for the destination to connect, CRIU lets the frozen tree run on. Once it serves
      # pages, the caller has cut the channel: CRIU then ends by itself (leaving the tree stopped, or running when
      # it calls it a failure), and killing it in the middle of that could leave the tree half-released.
      p=$(num_in "$LZ/dump.pid")
      if [ -n "$p" ] && [ ! -f "$LZ/dump.rc" ]; then
        if listening "$p" "$(num_in "$LZ/port")" || [ -z "$(lazy_wait_rc dump 30)" ]; then kill_rec KILL "$(rec_in "$LZ/dump.rec")"; fi
      fi
      ;;
    source-finish)
      [ -f "$LZ/dump.rc" ] || fail bad-request "CRIU still serves the pages of lazy migration $1: wait for it first."
      tree_signal KILL
      ;;
  esac
  if [ "$2" != wait ]; then secs=30; fi
  rc=$(lazy_wait_rc $tool "$secs")
  if [ "$side-$2" = source-abort ]; then tree_signal CONT; fi
  alive=false
  if [ $side = dest ]; then
    r=$(rec_in "$LZ/init.rec")
    if [ -n "$r" ] && [ "$(proc_start "${r%% *}")" = "${r#* }" ] && tree_running "${r%% *}"; then alive=true; fi
  else
    i=0
    # a large tree takes a moment to go
    while [ "$2" = finish ] && tree_left && [ $i -lt 200 ]; do
      sleep 0.05
      i=$((i + 1))
    done
    if tree_left; then alive=true; fi
  fi
  tailj=$(json_esc "$(tail_text "$LZ/$log")")
  if [ "$2" = abort ]; then
    for l in dump lazy restore; do
      if [ -f "$LZ/$l.log" ]; then tail -n 400 "$LZ/$l.log" >"$HS/lazy/$1.$l.log"; fi
    done
  fi
  if [ $side = dest ] && [ "$2" = wait ] && [ "$rc" = 0 ]; then
    # Kept after the work dir: the restored tree's init and owner, so a late settle knows the move got through.
    printf '%s\n%s\n' "$(rec_in "$LZ/init.rec")" "$CALLER" >"$mark"
  fi
  # (names made here: mg-ids and fixed suffixes)
  find "$HS/lazy" -maxdepth 1 -type f \( -name '*.log' -o -name '*.done' \) -printf '%T@ %p\n' 2>/dev/null |
    sort -rn | tail -n +81 | while read -r _ old; do rm -f "$old"; done
  if [ "$2" != wait ] || { [ $side = dest ] && [ "$rc" = 0 ]; }; then rm -rf "$LZ"; fi
  result "{\"side\":\"$side\",\"ended\":$([ -n "$rc" ] && echo true || echo false),\"rc\":${rc:-null},\"treeAlive\":$alive,\"log\":\"$tailj\"}"
}

main() {
  [ $# -ge 1 ] || fail bad-request "usage: stasis-helper VERB [ARG...]"
  check_raw_args "$@"
  [ "$(id -u)" = 0 ] || fail permission-denied "The Stasis helper must run as root (through pkexec or sudo)."
  # sudo and pkexec say whom they run us for, and a caller cannot hide it from them (sudo sets SUDO_UID itself,
  # pkexec clears the environment). Root run directly has neither and may see and do everything.
  for u in "${SUDO_UID:-}" "${PKEXEC_UID:-}"; do
    [ -n "$u" ] || continue
    is_uid "$u" || fail bad-request "The caller's uid from sudo or pkexec is not a number."
    if [ "$u" != 0 ]; then CALLER=$u; fi
  done
  verb=$1
  shift
  case $verb in
    version) verb_version ;;
    ps) verb_ps "$@" ;;
    checkpoint) verb_checkpoint "$@" ;;
    restore) verb_restore "$@" ;;
    list) verb_list ;;
    inspect) verb_inspect "$@" ;;
    delete) verb_delete "$@" ;;
    images) verb_images "$@" ;;
    send) verb_send "$@" ;;
    receive) verb_receive "$@" ;;
    cancel) verb_cancel "$@" ;;
    keep-args) verb_keep_args "$@" ;;
    procs) verb_procs "$@" ;;
    container) verb_container "$@" ;;
    journal) verb_journal "$@" ;;
    migrate-check) verb_migrate_check "$@" ;;
    migrate-out) verb_migrate_out "$@" ;;
    migrate-in) verb_migrate_in "$@" ;;
    image-out) verb_image_out "$@" ;;
    image-in) verb_image_in "$@" ;;
    tree-check) verb_tree_check "$@" ;;
    lazy-out) verb_lazy_out "$@" ;;
    lazy-in) verb_lazy_in "$@" ;;
    lazy-end) verb_lazy_end "$@" ;;
    *) fail bad-request "Unknown helper verb." ;;
  esac
}

main "$@"
