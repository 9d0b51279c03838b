#!/bin/bash
# ci/ssh-hosts.sh up|down|purge|status|seed - three SSH-reachable test "hosts" on one machine.
#
#   stasis-a 127.0.0.2:2222   stasis-b 127.0.0.3:2222   stasis-c 127.0.0.4:2222
#
# Each host is a mount+UTS namespace held open by a small holder process ("stasis-ns-<host> infinity", a
# renamed `sleep infinity`), with an sshd started inside it. Private to each host:
#   /var/lib/containers  bind of $BASE/<host>/var-lib-containers (podman graphroot + its DB)
#   /run                 fresh tmpfs (podman runroot, /run/runc, /run/sshd, sudo's timestamps)
#   /dev/shm             fresh tmpfs (podman's lock segment)
#   /tmp                 bind of $BASE/<host>/tmp
#   /etc/hosts           bind of $BASE/<host>/hosts (the machine's + "<ip> <host>", so sudo resolves it)
#   /var/lib/stasis      bind of $BASE/<host>/var-lib-stasis (the helper's checkpoint store)
#   /usr/local/libexec/stasis  bind of $BASE/<host>/libexec-stasis (where "Set up this host" installs the helper)
#   hostname             the host's name
# Everything else (/etc/containers, /home, /usr, /opt/criu4, ...) is shared with the machine. The store and the
# helper are private so that a migration test cannot pass without moving the bytes from one host to another.
# If sshd died it is restarted inside the same namespace (containers' /run state survives); if the holder died
# too, a fresh namespace is made.
#
# Logins (client config: ssh -F $BASE/ssh_config stasis-a | stasis-b | stasis-c | stasis-a-op | stasis-b-op):
#   root         key $BASE/id_ed25519 only
#   stasisop     same key, or password "stasis-test-pw"; may run only $HELPER as root via sudo (NOPASSWD)
#   stasisadmin  same key, or password "stasis-admin-pw"; full sudo, but sudo asks for that password (the
#                "Set up this host" tests install a NOPASSWD rule for the helper through it and remove it after).
#                Its host entry stasis-c-admin is in $BASE/ssh_config_admin, not in ssh_config: tests that list
#                every host of ssh_config expect each one to run the helper without a password.
# `up` and `seed` give every host the CI images (podman save / podman load: identical image IDs everywhere).
#
# Env knobs: STASIS_HOSTS_BASE (/srv/stasis-hosts), STASIS_HOSTS_PORT (2222), STASIS_CI_CACHE (/var/cache/stasis-ci),
#   STASIS_HOSTS_IMAGES ("localhost/stasis-busybox:latest localhost/stasis-debian:latest"; "" = no seeding).
set -euo pipefail

CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LOG_TAG=ssh-hosts
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$CI_DIR/lib.sh"

BASE=${STASIS_HOSTS_BASE:-/srv/stasis-hosts}
CACHE=${STASIS_CI_CACHE:-/var/cache/stasis-ci}
HOSTS=(stasis-a stasis-b stasis-c)
declare -A IP=([stasis-a]=127.0.0.2 [stasis-b]=127.0.0.3 [stasis-c]=127.0.0.4)
PORT=${STASIS_HOSTS_PORT:-2222}
OP_USER=stasisop
OP_PASS=stasis-test-pw
ADMIN_USER=stasisadmin
ADMIN_PASS=stasis-admin-pw
HELPER=/usr/local/libexec/stasis/stasis-helper
SUDOERS=/etc/sudoers.d/stasis-test
ADMIN_SUDOERS=/etc/sudoers.d/stasis-test-admin
IMAGES=${STASIS_HOSTS_IMAGES-localhost/stasis-busybox:latest localhost/stasis-debian:latest}
SSH=(ssh -F "$BASE/ssh_config" -o BatchMode=yes -o ConnectTimeout=10)

[ "$(id -u)" = 0 ] || die "must run as root"
case "$BASE/" in # the hosts get a private /tmp, and sshd's StrictModes refuses keys under world-writable dirs
/tmp/* | /var/tmp/* | /dev/shm/*) die "STASIS_HOSTS_BASE=$BASE must not be under /tmp, /var/tmp or /dev/shm" ;;
esac

# pid_matches PIDFILE PATTERN -> the pid in PIDFILE if it is alive and its command line contains PATTERN
pid_matches() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2" || return 1
  echo "$pid"
}

# ensure_login USER PASSWORD COMMENT: the user exists (one home for all hosts) and has exactly that password
ensure_login() {
  local user=$1 pass=$2 hash
  if ! id "$user" >/dev/null 2>&1; then
    useradd -m -s /bin/bash -c "$3" "$user"
    log "created user $user"
  fi
  # set the known password unless it already matches (libcrypt via python3 verifies any hash scheme)
  hash=$(getent shadow "$user" | cut -d: -f2)
  if ! U_HASH="$hash" U_PASS="$pass" python3 -W ignore -c '
import crypt, os, sys
h = os.environ["U_HASH"]
sys.exit(0 if h and h[0] not in "!*" and crypt.crypt(os.environ["U_PASS"], h) == h else 1)' 2>/dev/null; then
    echo "$user:$pass" | chpasswd
    log "set the password of $user"
  fi
}

# ensure_sudoers FILE CONTENT: the drop-in holds exactly CONTENT (checked with visudo before it goes live)
ensure_sudoers() {
  local f=$1 tmp
  tmp=$(mktemp /tmp/stasis-sudoers.XXXXXX)
  printf '%s\n' "$2" >"$tmp"
  chmod 440 "$tmp"
  visudo -c -q -f "$tmp" >/dev/null || die "sudoers drop-in for $f does not parse"
  if [ -f "$f" ] && cmp -s "$tmp" "$f"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$f"
    chown root:root "$f"
    log "wrote $f"
  fi
}

ensure_users() {
  ensure_login "$OP_USER" "$OP_PASS" "Stasis CI operator"
  # sudo: only the Stasis helper, as root, without a password
  ensure_sudoers "$SUDOERS" "# managed by stasis ci/ssh-hosts.sh: the test operator may run only the Stasis helper as root
$OP_USER ALL=(root) NOPASSWD: $HELPER"
  ensure_login "$ADMIN_USER" "$ADMIN_PASS" "Stasis CI admin"
  # sudo: anything, but only with the password - what "Set up this host" meets on a typical admin account.
  # The rule lives in a drop-in (not group sudo) on purpose: a NOPASSWD rule that Stasis adds must still win
  # over it, whichever of the two files sudo reads last.
  ensure_sudoers "$ADMIN_SUDOERS" "# managed by stasis ci/ssh-hosts.sh: the test admin may run anything as anyone, with its password
$ADMIN_USER ALL=(ALL) ALL"
  visudo -c -q >/dev/null || die "visudo -c fails with $SUDOERS / $ADMIN_SUDOERS"
}

# start_host HOST: namespace holder (if needed) + sshd inside it (if needed)
start_host() {
  local h=$1 D=$BASE/$1 holder sshd_pid
  # a namespace made by an older version of this script lacks the private store: make it anew
  if holder=$(pid_matches "$D/holder.pid" "stasis-ns-$h") && ! grep -q ' /var/lib/stasis ' "/proc/$holder/mountinfo"; then
    if sshd_pid=$(pid_matches "$D/sshd.pid" "$D/sshd_config"); then kill "$sshd_pid"; fi
    kill "$holder"
    log "$h: namespace $holder has no private /var/lib/stasis; replacing it"
  fi
  if ! holder=$(pid_matches "$D/holder.pid" "stasis-ns-$h"); then
    rm -f "$D/holder.pid" "$D/sshd.pid"
    # setsid + closed fds: the holder outlives this script and holds no CI pipe open
    # shellcheck disable=SC2016
    setsid unshare --mount --uts --propagation private bash -c '
      set -e
      h=$1 D=$2
      hostname "$h"
      mount -t tmpfs -o mode=755 tmpfs /run
      mkdir -p /run/sshd /run/lock
      mount -t tmpfs -o mode=1777 tmpfs /dev/shm
      mount --bind "$D/var-lib-containers" /var/lib/containers
      mkdir -p /var/lib/stasis /usr/local/libexec/stasis
      mount --bind "$D/var-lib-stasis" /var/lib/stasis
      mount --bind "$D/libexec-stasis" /usr/local/libexec/stasis
      mount --bind "$D/hosts" /etc/hosts
      echo $$ >"$D/holder.pid.tmp"
      mv "$D/holder.pid.tmp" "$D/holder.pid"
      mount --bind "$D/tmp" /tmp # last: $D may itself live under /tmp
      exec -a "stasis-ns-$h" sleep infinity
    ' holder "$h" "$D" </dev/null >>"$D/holder.log" 2>&1 &
    local started=$!
    for _ in $(seq 100); do
      holder=$(pid_matches "$D/holder.pid" "stasis-ns-$h") && break
      kill -0 "$started" 2>/dev/null || break
      sleep 0.05
    done
    [ -n "$holder" ] || die "$h: namespace holder did not start (see $D/holder.log)"
    log "$h: new namespace (holder pid $holder)"
  fi
  if sshd_pid=$(pid_matches "$D/sshd.pid" "$D/sshd_config"); then
    if [ "${RELOAD:-0}" = 1 ]; then
      kill -HUP "$sshd_pid" # sshd re-execs itself with the new config, in the same namespace
      log "$h: sshd $sshd_pid reloaded"
    fi
    return 0
  fi
  rm -f "$D/sshd.pid"
  nsenter -t "$holder" -m -u /usr/sbin/sshd -f "$D/sshd_config" -E "$D/sshd.log" </dev/null >>"$D/sshd.out" 2>&1 ||
    die "$h: sshd failed to start (see $D/sshd.log, $D/sshd.out)"
  for _ in $(seq 100); do
    sshd_pid=$(pid_matches "$D/sshd.pid" "$D/sshd_config") && break
    sleep 0.05
  done
  [ -n "$sshd_pid" ] || die "$h: sshd wrote no pid file (see $D/sshd.log)"
  log "$h: sshd pid $sshd_pid on ${IP[$h]}:$PORT"
}

wait_ssh() {
  local h=$1
  for _ in $(seq 50); do
    "${SSH[@]}" "$h" true 2>/dev/null && return 0
    sleep 0.2
  done
  "${SSH[@]}" "$h" true || die "$h: ssh login as root fails"
}

# password_login HOST -> 0 if $OP_USER can log in on HOST with the password alone (plain OpenSSH + askpass)
password_login() {
  SSH_ASKPASS=$BASE/askpass SSH_ASKPASS_REQUIRE=force timeout 20 setsid -w ssh -F "$BASE/ssh_config" \
    -o PreferredAuthentications=password -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
    -l "$OP_USER" "$1" true </dev/null >/dev/null 2>&1
}

# seed_host HOST IMAGE ID ARCHIVE: podman load the archive on HOST unless it has the image with that ID
seed_host() {
  local h=$1 img=$2 id=$3 arc=$4 hid
  hid=$("${SSH[@]}" "$h" podman image inspect --format '{{.Id}}' "$img" 2>/dev/null || true)
  [ "$hid" = "$id" ] && return 0
  "${SSH[@]}" "$h" podman load -q -i "$arc" >/dev/null
  hid=$("${SSH[@]}" "$h" podman image inspect --format '{{.Id}}' "$img" 2>/dev/null || true)
  [ "$hid" = "$id" ] || die "$h: $img has ID ${hid:0:12} after loading, want ${id:0:12}"
  log "$h: loaded $img (${id:0:12})"
}

# seed: the same images (same IDs) on every host, loaded in parallel. The archives live in the shared cache
# dir, so the hosts read them from disk instead of through an ssh pipe.
seed() {
  local img id arc h pids rc=0 p tmpd
  tmpd=$(mktemp -d /tmp/stasis-seed.XXXXXX)
  for img in $IMAGES; do
    id=$(podman image inspect --format '{{.Id}}' "$img" 2>/dev/null) || {
      warn "image $img not found locally; not seeding it"
      continue
    }
    arc=$CACHE/images/$(tr -c 'a-zA-Z0-9._-' '_' <<<"${img#localhost/}" | sed 's/_$//')-${id:0:12}.tar
    # the archive is written only when some host lacks the image (checked in parallel)
    if [ ! -s "$arc" ]; then
      # wait for exactly these pids: a bare `wait` would also wait for namespace holders started by this
      # script (`up` on a fresh machine), which never exit
      pids=()
      for h in "${HOSTS[@]}"; do
        "${SSH[@]}" "$h" podman image inspect --format '{{.Id}}' "$img" 2>/dev/null >"$tmpd/$h.id" &
        pids+=($!)
      done
      for p in "${pids[@]}"; do wait "$p" || true; done
      if [ "$(cat "$tmpd"/*.id | grep -cxF "$id")" != ${#HOSTS[@]} ]; then
        mkdir -p "$CACHE/images"
        rm -f "${arc%-*}"-*.tar # older versions of this image
        podman save -q -o "$arc.tmp" "$img"
        mv -f "$arc.tmp" "$arc"
      fi
      rm -f "$tmpd"/*.id
    fi
    pids=()
    for h in "${HOSTS[@]}"; do
      [ -s "$arc" ] || break
      seed_host "$h" "$img" "$id" "$arc" &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    [ "$rc" = 0 ] || die "seeding $img failed"
  done
  rm -rf "$tmpd"
}

# One Host entry of the generated client configs: NAME IP USER (key login, pinned host keys, no multiplexing).
client_stanza() {
  printf '%s\n' "Host $1" "  HostName $2" "  Port $PORT" "  User $3" "  IdentityFile $BASE/id_ed25519" \
    "  IdentitiesOnly yes" "  UserKnownHostsFile $BASE/known_hosts" "  StrictHostKeyChecking yes" \
    "  ControlMaster no" "  ControlPath none" "  LogLevel ERROR"
}

up() {
  mkdir -p "$BASE" /run/sshd # sshd -t wants its privilege separation dir (inside the hosts: on their /run)
  chmod 755 "$BASE"
  [ -f "$BASE/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C stasis-ci -f "$BASE/id_ed25519"
  write_if_changed "$BASE/authorized_keys" 644 "$(cat "$BASE/id_ed25519.pub")" || true
  ensure_users

  local h D known="" cfg="# generated by stasis ci/ssh-hosts.sh - test hosts on this machine (ControlMaster off on purpose)"
  for h in "${HOSTS[@]}"; do
    D=$BASE/$h
    mkdir -p "$D/var-lib-containers" "$D/var-lib-stasis" "$D/libexec-stasis" "$D/tmp"
    chmod 700 "$D/var-lib-stasis"
    chmod 1777 "$D/tmp"
    [ -f "$D/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$D/ssh_host_ed25519_key"
    write_if_changed "$D/hosts" 644 "$(grep -vE "[[:space:]]$h([[:space:]]|\$)" /etc/hosts)
${IP[$h]} $h" || true
    RELOAD=0
    write_if_changed "$D/sshd_config" 600 "# generated by stasis ci/ssh-hosts.sh for test host $h
ListenAddress ${IP[$h]}:$PORT
HostKey $D/ssh_host_ed25519_key
PidFile $D/sshd.pid
AllowUsers root $OP_USER $ADMIN_USER
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile $BASE/authorized_keys
PasswordAuthentication yes
PermitEmptyPasswords no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
MaxSessions 50
MaxStartups 50:30:100
PrintMotd no
SetEnv STASIS_TEST_HOST=$h
Subsystem sftp internal-sftp
LogLevel INFO" && RELOAD=1
    /usr/sbin/sshd -t -f "$D/sshd_config" || die "$h: sshd_config does not validate"
    RELOAD=$RELOAD start_host "$h"
    known+="[${IP[$h]}]:$PORT $(cut -d' ' -f1,2 "$D/ssh_host_ed25519_key.pub")"$'\n'
    cfg+=$'\n\n'"$(client_stanza "$h" "${IP[$h]}" root)"
  done
  cfg+=$'\n\n'"$(client_stanza stasis-a-op "${IP[stasis-a]}" "$OP_USER")"
  cfg+=$'\n\n'"$(client_stanza stasis-b-op "${IP[stasis-b]}" "$OP_USER")"
  local admin_cfg
  admin_cfg="# generated by stasis ci/ssh-hosts.sh - the admin login whose sudo wants a password (see the header)

$(client_stanza stasis-c-admin "${IP[stasis-c]}" "$ADMIN_USER")"
  write_if_changed "$BASE/known_hosts" 644 "${known%$'\n'}" || true
  write_if_changed "$BASE/ssh_config" 644 "$cfg" || true
  write_if_changed "$BASE/ssh_config_admin" 644 "$admin_cfg" || true

  # password of the operator, for OpenSSH clients in tests: SSH_ASKPASS=$BASE/askpass SSH_ASKPASS_REQUIRE=force
  write_if_changed "$BASE/askpass" 700 "#!/bin/sh
echo '$OP_PASS'" || true

  # logins (root by key, operator by password, operator by key), all hosts in parallel
  local pids=() p bad=0
  for h in "${HOSTS[@]}"; do
    (
      wait_ssh "$h"
      password_login "$h" || die "$h: password login as $OP_USER fails"
    ) &
    pids+=($!)
  done
  ("${SSH[@]}" stasis-a-op true || die "stasis-a-op: key login as $OP_USER fails") &
  pids+=($!)
  (ssh -F "$BASE/ssh_config_admin" -o BatchMode=yes -o ConnectTimeout=10 stasis-c-admin true ||
    die "stasis-c-admin: key login as $ADMIN_USER fails") &
  pids+=($!)
  for p in "${pids[@]}"; do wait "$p" || bad=1; done
  [ "$bad" = 0 ] || die "login checks failed"
  seed
  log "up: ${HOSTS[*]} (ssh -F $BASE/ssh_config <host>)"
}

down() {
  local h D pid left
  for h in "${HOSTS[@]}"; do
    D=$BASE/$h
    if pid=$(pid_matches "$D/sshd.pid" "$D/sshd_config"); then
      left=$("${SSH[@]}" "$h" 'podman rm -a -f -t 0 >/dev/null 2>&1; podman ps -a -q | wc -l' 2>/dev/null || echo '?')
      kill "$pid"
      log "$h: stopped sshd $pid (containers left: $left)"
    fi
    rm -f "$D/sshd.pid"
    if pid=$(pid_matches "$D/holder.pid" "stasis-ns-$h"); then
      kill "$pid"
      # gone means gone: the namespace (and its mounts) must not outlive `down`
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      ! kill -0 "$pid" 2>/dev/null || die "$h: namespace holder $pid did not exit"
      log "$h: stopped namespace holder $pid"
    fi
    rm -f "$D/holder.pid"
  done
}

# purge: down, then remove each host's private state (containers, images, store, helper, /tmp), so the next `up`
# starts from nothing as on a fresh machine. Keys, configs and the image cache stay.
purge() {
  local h D pids=() p
  down
  for h in "${HOSTS[@]}"; do
    D=$BASE/$h
    # the namespaces are gone (down waits for the holders), so nothing is mounted over these any more
    rm -rf "$D/var-lib-containers" "$D/var-lib-stasis" "$D/libexec-stasis" "$D/tmp" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  log "private state of ${HOSTS[*]} removed"
}

status_one() {
  local h=$1 D=$BASE/$1 out sshd holder
  sshd=$(pid_matches "$D/sshd.pid" "$D/sshd_config" || echo dead)
  holder=$(pid_matches "$D/holder.pid" "stasis-ns-$h" || echo dead)
  # shellcheck disable=SC2016
  if out=$("${SSH[@]}" "$h" 'printf "hostname=%s graphroot=%s images=%s containers=%s" "$(hostname)" \
      "$(podman info --format "{{.Store.GraphRoot}}")" "$(podman images -q | wc -l)" "$(podman ps -a -q | wc -l)"' 2>&1); then
    if password_login "$h"; then out+=" $OP_USER-password=ok"; else
      echo "$h ${IP[$h]}:$PORT sshd=$sshd holder=$holder $out $OP_USER-password=FAILS"
      return 1
    fi
    echo "$h ${IP[$h]}:$PORT sshd=$sshd holder=$holder $out"
  else
    echo "$h ${IP[$h]}:$PORT sshd=$sshd holder=$holder UNREACHABLE: $out"
    return 1
  fi
}

# status: one line per host (queried in parallel, printed in order); exit 1 if any host is not fine
status() {
  local h rc=0 tmpd
  tmpd=$(mktemp -d /tmp/stasis-status.XXXXXX)
  local pids=() p
  for h in "${HOSTS[@]}"; do
    status_one "$h" >"$tmpd/$h" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  for h in "${HOSTS[@]}"; do cat "$tmpd/$h"; done
  rm -rf "$tmpd"
  return "$rc"
}

case "${1:-up}" in
up | down | purge | status | seed) "${1:-up}" ;;
*)
  echo "usage: $0 up|down|purge|status|seed" >&2
  exit 2
  ;;
esac
