#!/bin/bash
# ci/provision.sh - idempotent setup of a Debian 12 (bookworm) machine (root, no systemd) for Stasis' real
# checkpoint/restore tests. One entry point; every step checks its state first, so a re-run takes seconds.
#
# Steps (in order; run a subset with STASIS_CI_STEPS="criu images ..."):
#   apt       bookworm packages (--no-install-recommends, no service starts, never upgrades libc6)
#   criu      CRIU 4 + checkpointctl from Debian 13 (trixie) .debs, extracted into $CRIU_PREFIX with their own
#             libc; wrappers /usr/local/sbin/criu, /usr/local/bin/crit4, /usr/local/bin/checkpointctl;
#             /usr/sbin/criu dpkg-diverted to the wrapper (so runc/podman/docker use CRIU 4)
#   conf      /etc/containers/containers.conf (runc, cgroupfs, file events, default_ulimits)
#   sysctl    fs.pipe-max-size=4194304 (CRIU lazy pages)
#   memhog    ci/memhog.c -> /usr/local/lib/stasis-ci/memhog (static)
#   zdtm      ci/zdtm-corpus.sh: CRIU's zdtm programs built from Debian's criu source, dumped, decoded by crit
#             (cached per CRIU version; the reader's corpus test compares with it)
#   images    podman images localhost/stasis-busybox:latest and localhost/stasis-debian:latest (debootstrap,
#             cached in $STASIS_CI_CACHE), both with memhog at /usr/local/bin/memhog
#   docker    experimental dockerd in the background (if none answers), image stasis-busybox:latest
#   hosts     ci/ssh-hosts.sh up (three sshd "hosts" stasis-a/b/c, seeded with the test images; runs before
#             the Debian image is built, so that image is seeded after it)
#   chromium  /usr/bin/chromium present
#   check     short self-check summary
#   selftest  ci/selftest.sh (podman checkpoint/restore of memhog, docker checkpoint, ssh-host migration);
#             SELFTEST=auto (default) skips it when it already passed against the same state, 1 forces, 0 skips
#
# Env knobs: STASIS_CI_STEPS, STASIS_CI_CACHE (/var/cache/stasis-ci), STASIS_CI_LOGDIR (/tmp),
#   CRIU_PREFIX (/opt/criu4), DEBIAN_MIRROR (default: the machine's configured bookworm mirror),
#   TRIXIE_MIRROR (default: DEBIAN_MIRROR), CRIU_REFRESH=1 (look for newer trixie packages),
#   REBUILD_IMAGES=1 (rebuild the podman images), SELFTEST=auto|1|0, NO_DOCKER=1 (skip the docker step).
set -euo pipefail

CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LOG_TAG=provision
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$CI_DIR/lib.sh"

CACHE=${STASIS_CI_CACHE:-/var/cache/stasis-ci}
LOGDIR=${STASIS_CI_LOGDIR:-/tmp}
CRIU_PREFIX=${CRIU_PREFIX:-/opt/criu4}
ALL_STEPS="apt criu conf sysctl memhog zdtm images docker hosts chromium check selftest"
STEPS=" ${STASIS_CI_STEPS:-$ALL_STEPS} "
LIBDIR=/usr/local/lib/stasis-ci
MEMHOG=$LIBDIR/memhog
ARCH_LIBDIR=x86_64-linux-gnu
IMG_BB=localhost/stasis-busybox:latest
IMG_DEB=localhost/stasis-debian:latest
IMAGE_RECIPE=2 # bump to force an image rebuild when the recipe below changes
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || die "must run as root"
grep -q 'VERSION_CODENAME=bookworm' /etc/os-release || warn "not Debian 12 (bookworm); continuing anyway"
mkdir -p "$CACHE" "$LOGDIR" "$LIBDIR"
APT_LOG=$LOGDIR/stasis-ci-apt.log
MIRROR=$(debian_mirror)
TRIXIE_MIRROR=${TRIXIE_MIRROR:-$MIRROR}
want() { [[ $STEPS == *" $1 "* ]]; }

# things to undo if we stop half-way
CREATED_POLICY_RC=0
DEBOOT_PID=""
cleanup() {
  [ "$CREATED_POLICY_RC" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ -n "$DEBOOT_PID" ] && kill -0 "$DEBOOT_PID" 2>/dev/null; then
    kill -- "-$DEBOOT_PID" 2>/dev/null || true # its own process group (setsid)
  fi
}
trap cleanup EXIT

log "start (steps:${STEPS% }; mirror $MIRROR)"

# ------------------------------------------------------------------------------------------------ apt
BOOKWORM_PKGS=(podman runc crun conmon busybox-static openssh-server openssh-client iproute2 iptables zstd
  python3-protobuf criu ca-certificates chromium docker.io debootstrap sudo shellcheck uidmap fonts-dejavu-core
  xz-utils gcc libc6-dev make desktop-file-utils libxml2-utils)

step_apt() {
  local missing=() p sim libc_ver
  for p in "${BOOKWORM_PKGS[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} = 0 ]; then
    log "apt: all ${#BOOKWORM_PKGS[@]} packages installed"
    return
  fi
  log "apt: installing ${missing[*]} (log: $APT_LOG)"
  if [ ! -e /usr/sbin/policy-rc.d ]; then # maintainer scripts must not start sshd/docker/...
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    CREATED_POLICY_RC=1
  fi
  run_logged "$APT_LOG" apt-get update -q
  local opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # never upgrade the system libc: if the mirror's libc6-dev is newer than the installed libc6, pin libc6-dev
  # (and libc-dev-bin) to the installed version instead
  sim=$(apt-get install -s "${opts[@]}" "${missing[@]}" 2>&1) || true
  if grep -qE '^Inst (libc6|libc-bin)(:amd64)? \[' <<<"$sim"; then
    libc_ver=$(dpkg-query -W -f='${Version}' libc6)
    log "apt: the mirror's libc6-dev would upgrade libc6; pinning libc6-dev/libc-dev-bin to $libc_ver"
    missing=("${missing[@]/#libc6-dev/libc6-dev=$libc_ver}")
    missing+=("libc-dev-bin=$libc_ver")
    sim=$(apt-get install -s "${opts[@]}" "${missing[@]}" 2>&1) || true
    if grep -qE '^Inst (libc6|libc-bin)(:amd64)? \[' <<<"$sim"; then
      grep -E '^Inst (libc6|libc-bin)' <<<"$sim" >&2
      die "apt: installing ${missing[*]} would upgrade the system libc; refusing (install them by hand)"
    fi
  fi
  # debootstrap (+ zstd) first, so the Debian rootfs builds in the background while the rest installs
  local first=() rest=()
  for p in "${missing[@]}"; do
    case "$p" in debootstrap | zstd) first+=("$p") ;; *) rest+=("$p") ;; esac
  done
  if [ ${#first[@]} != 0 ] && [ ${#rest[@]} != 0 ] && want images; then
    run_logged "$APT_LOG" apt-get install "${opts[@]}" "${first[@]}"
    start_debootstrap
    missing=("${rest[@]}")
  fi
  run_logged "$APT_LOG" apt-get install "${opts[@]}" "${missing[@]}"
  if [ "$CREATED_POLICY_RC" = 1 ]; then
    rm -f /usr/sbin/policy-rc.d
    CREATED_POLICY_RC=0
  fi
  log "apt: done"
}

# -------------------------------------------------------------------- debootstrap (runs in background)
# The Debian rootfs tarball is cached; building it takes ~45 s, so it starts right after the apt step and
# runs while CRIU is fetched and dockerd starts.
DEB_TAR=$CACHE/rootfs-bookworm-minbase-python3.tar.zst
DEBOOT_LOG=$LOGDIR/stasis-ci-debootstrap.log

start_debootstrap() {
  [ -s "$DEB_TAR" ] || [ -n "$DEBOOT_PID" ] && return 0
  local target=$CACHE/debootstrap.tmp keyring=()
  [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] &&
    keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
  rm -rf "$target"
  log "images: debootstrap bookworm (minbase + python3) from $MIRROR in the background (log: $DEBOOT_LOG)"
  : >"$DEBOOT_LOG"
  # own session/process group so cleanup can stop the whole tree by its id
  # shellcheck disable=SC2016
  setsid bash -c '
    set -euo pipefail
    target=$1 tar=$2 mirror=$3; shift 3
    debootstrap --variant=minbase --include=python3 "$@" bookworm "$target" "$mirror"
    # drop the package cache, apt lists and device nodes (the runtime provides /dev)
    rm -rf "$target"/var/cache/apt/archives/*.deb "$target"/var/lib/apt/lists/* "$target"/dev/* "$target"/proc/* "$target"/sys/*
    tar -C "$target" --numeric-owner --xattrs -cf - . | zstd -q -T0 -3 -o "$tar.tmp"
    mv -f "$tar.tmp" "$tar"
    rm -rf "$target"
  ' deboot "$target" "$DEB_TAR" "$MIRROR" "${keyring[@]}" >>"$DEBOOT_LOG" 2>&1 </dev/null &
  DEBOOT_PID=$!
}

wait_debootstrap() {
  [ -n "$DEBOOT_PID" ] || return 0
  local rc=0
  wait "$DEBOOT_PID" || rc=$?
  DEBOOT_PID=""
  if [ "$rc" != 0 ] || [ ! -s "$DEB_TAR" ]; then
    log "debootstrap FAILED (exit $rc); last lines of $DEBOOT_LOG:" >&2
    tail -n 30 "$DEBOOT_LOG" | sed 's/^/    | /' >&2
    die "images: debootstrap failed"
  fi
  log "images: rootfs cached at $DEB_TAR ($(du -h "$DEB_TAR" | cut -f1))"
}

# ------------------------------------------------------------------------------------ CRIU from trixie
step_criu() {
  local work=$CACHE/trixie-apt
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  write_if_changed "$work/sources.list" 644 "deb $TRIXIE_MIRROR trixie main" || true
  local aptx=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Dir::Cache::archives=$work/cache/archives"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root -o Acquire::Languages=none
    -o APT::Get::List-Cleanup=false)
  local stamp_file=$CRIU_PREFIX/.stasis-stamp

  if [ "${CRIU_REFRESH:-0}" != 1 ] && [ -s "$stamp_file" ] && [ -x "$CRIU_PREFIX/usr/sbin/criu" ]; then
    log "criu: $CRIU_PREFIX present ($(grep -E '^(criu|checkpointctl)=' "$stamp_file" | tr '\n' ' '))"
  else
    if [ "${CRIU_REFRESH:-0}" = 1 ] || [ -z "$(find "$work/lists" -maxdepth 1 -name '*trixie_InRelease' -mmin -720 2>/dev/null)" ]; then
      log "criu: apt-get update of a private trixie source list ($TRIXIE_MIRROR)"
      run_logged "$APT_LOG" apt-get "${aptx[@]}" update -q
    fi
    local roots="criu" extra="python3-pycriu" pkgs stamp p
    if apt-cache "${aptx[@]}" show checkpointctl >/dev/null 2>&1; then
      roots="$roots checkpointctl"
    else
      warn "criu: package checkpointctl is not in trixie main at $TRIXIE_MIRROR; continuing without it"
    fi
    # Depends/Pre-Depends closure (virtual packages skipped) + python3-pycriu (pure python, for crit4)
    # shellcheck disable=SC2086
    pkgs="$(apt-cache "${aptx[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances $roots | grep -E '^[a-z0-9]' | sort -u) $extra"
    # pin the trixie versions ("pkg=version"), not the locally installed bookworm ones
    # shellcheck disable=SC2086
    stamp=$(apt-cache "${aptx[@]}" madison $pkgs | awk -F'|' '$3 ~ /trixie/ { gsub(/ /, "");
      if (!seen[$1]++) print $1 "=" $2 }' | sort)
    for p in $pkgs; do
      grep -q "^$p=" <<<"$stamp" || die "criu: cannot find $p in the trixie index"
    done
    if [ -s "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && [ -x "$CRIU_PREFIX/usr/sbin/criu" ]; then
      log "criu: $CRIU_PREFIX is up to date"
    else
      log "criu: downloading $(wc -w <<<"$pkgs") trixie packages"
      local debs=$work/debs.$$ stage=$CRIU_PREFIX.new.$$ d
      rm -rf "$debs" "$stage"
      mkdir -p "$debs" "$stage"
      # shellcheck disable=SC2086
      (cd "$debs" && run_logged "$APT_LOG" apt-get "${aptx[@]}" download -q $stamp)
      for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$stage"; done
      [ -x "$stage/usr/lib/$ARCH_LIBDIR/ld-linux-x86-64.so.2" ] || die "criu: no ld.so in trixie's libc6?"
      printf '%s\n' "$stamp" >"$stage/.stasis-stamp"
      rm -rf "$CRIU_PREFIX.old"
      if [ -e "$CRIU_PREFIX" ]; then mv "$CRIU_PREFIX" "$CRIU_PREFIX.old"; fi
      mv "$stage" "$CRIU_PREFIX"
      rm -rf "$CRIU_PREFIX.old" "$debs"
      log "criu: extracted into $CRIU_PREFIX ($(du -sh "$CRIU_PREFIX" | cut -f1))"
    fi
  fi

  local P=$CRIU_PREFIX ld=$CRIU_PREFIX/usr/lib/$ARCH_LIBDIR/ld-linux-x86-64.so.2
  local libpath="$P/usr/lib/$ARCH_LIBDIR:$P/lib/$ARCH_LIBDIR"
  mkdir -p /usr/local/sbin /usr/local/bin
  # criu: trixie's binary through trixie's own loader and libraries (never the system libc)
  write_if_changed /usr/local/sbin/criu 755 "#!/bin/sh
# generated by stasis ci/provision.sh: CRIU from Debian 13 in $P, run with its own ld.so/libc
exec $ld --argv0 criu --library-path $libpath $P/usr/sbin/criu \"\$@\"" && log "criu: wrote /usr/local/sbin/criu"
  local leak
  leak=$("$ld" --library-path "$libpath" --list "$P/usr/sbin/criu" | grep '=>' | grep -v "=> $P/" || true)
  [ -z "$leak" ] || warn "criu: libraries resolved outside $P: $leak"

  # crit4: trixie's pycriu on bookworm's python3 + python3-protobuf (decodes every CRIU 4 field)
  write_if_changed /usr/local/bin/crit4 755 "#!/bin/sh
# generated by stasis ci/provision.sh: crit from Debian 13's python3-pycriu
PYTHONPATH=$P/usr/lib/python3/dist-packages\${PYTHONPATH:+:\$PYTHONPATH} exec /usr/bin/python3 -c 'import sys; from crit.__main__ import main; sys.argv[0] = \"crit\"; sys.exit(main())' \"\$@\"" &&
    log "criu: wrote /usr/local/bin/crit4"

  # checkpointctl (Go): through the private loader when dynamically linked
  if [ -x "$P/usr/bin/checkpointctl" ]; then
    local body
    if "$ld" --verify "$P/usr/bin/checkpointctl" >/dev/null 2>&1; then
      body="exec $ld --argv0 checkpointctl --library-path $libpath $P/usr/bin/checkpointctl \"\$@\""
    else
      body="exec $P/usr/bin/checkpointctl \"\$@\""
    fi
    # Debian builds it without its version ldflags: no `version` answer at all. The wrapper answers it.
    local ver
    ver=$(sed -n 's/^checkpointctl=//p' "$P/.stasis-stamp")
    write_if_changed /usr/local/bin/checkpointctl 755 "#!/bin/sh
# generated by stasis ci/provision.sh: checkpointctl from Debian 13 in $P
if [ \$# = 1 ] && { [ \"\$1\" = version ] || [ \"\$1\" = --version ]; }; then
  echo 'checkpointctl version ${ver%%+*} (Debian $ver)'
  exit 0
fi
$body" && log "criu: wrote /usr/local/bin/checkpointctl"
  else
    warn "criu: no checkpointctl in $P (not in trixie main?); the benchmark that inspects archives will lack it"
  fi

  # every caller (runc, podman, containerd, minimal PATHs) must get CRIU 4: divert bookworm's /usr/sbin/criu
  if [ "$(dpkg-divert --truename /usr/sbin/criu)" != /usr/sbin/criu.bookworm ]; then
    run_logged "$APT_LOG" dpkg-divert --local --rename --divert /usr/sbin/criu.bookworm --add /usr/sbin/criu
  fi
  if [ "$(readlink /usr/sbin/criu 2>/dev/null)" != /usr/local/sbin/criu ]; then
    ln -sfn /usr/local/sbin/criu /usr/sbin/criu
    log "criu: /usr/sbin/criu -> /usr/local/sbin/criu (bookworm's 3.17 kept as /usr/sbin/criu.bookworm)"
  fi
}

# ------------------------------------------------------------------------------------- containers.conf
step_conf() {
  local conf=/etc/containers/containers.conf mark="# managed by stasis ci/provision.sh"
  mkdir -p /etc/containers
  if [ -f "$conf" ] && ! head -1 "$conf" | grep -qF "$mark"; then
    cp -a "$conf" "$conf.pre-stasis.$(date +%s)"
    log "conf: backed up the existing $conf"
  fi
  # runc: crun here has no CRIU support; default_ulimits: without CAP_SYS_RESOURCE every run fails otherwise
  if write_if_changed "$conf" 644 "$mark
[containers]
default_ulimits = [
  \"nofile=1024:1024\",
  \"nproc=1024:1024\",
]

[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\""; then
    log "conf: wrote $conf"
  else
    log "conf: $conf up to date"
  fi
}

# ----------------------------------------------------------------------------------------------- sysctl
step_sysctl() {
  local cur
  cur=$(cat /proc/sys/fs/pipe-max-size)
  if [ "$cur" -lt 4194304 ]; then
    sysctl -q -w fs.pipe-max-size=4194304
    log "sysctl: fs.pipe-max-size $cur -> 4194304"
  else
    log "sysctl: fs.pipe-max-size = $cur"
  fi
  write_if_changed /etc/sysctl.d/90-stasis-criu-lazy-pages.conf 644 "fs.pipe-max-size = 4194304" || true
}

# ----------------------------------------------------------------------------------------------- memhog
step_memhog() {
  local want_hash
  want_hash=$({ cat "$CI_DIR/memhog.c"; gcc --version | head -1; } | sha256sum | cut -c1-16)
  if [ -x "$MEMHOG" ] && [ "$(cat "$MEMHOG.src-hash" 2>/dev/null)" = "$want_hash" ]; then
    log "memhog: $MEMHOG up to date"
    return
  fi
  gcc -O2 -static -Wall -o "$MEMHOG.tmp" "$CI_DIR/memhog.c"
  mv -f "$MEMHOG.tmp" "$MEMHOG"
  echo "$want_hash" >"$MEMHOG.src-hash"
  log "memhog: built $MEMHOG ($(du -h "$MEMHOG" | cut -f1), static)"
}

# ----------------------------------------------------------------------------------------------- images
image_label() { podman image inspect --format '{{index .Labels "stasis.ci.hash"}}' "$1" 2>/dev/null || true; }
memhog_hash() { sha256sum "$MEMHOG" | cut -c1-16; }

image_busybox() {
  [ -x "$MEMHOG" ] || die "images: $MEMHOG missing (run the memhog step)"
  local h r
  h="r$IMAGE_RECIPE-$(cat /bin/busybox "$MEMHOG" | sha256sum | cut -c1-16)"
  if [ "${REBUILD_IMAGES:-0}" != 1 ] && [ "$(image_label "$IMG_BB")" = "$h" ]; then
    log "images: $IMG_BB up to date"
  else
    r=$(mktemp -d /tmp/stasis-bb.XXXXXX)
    mkdir -p "$r"/{bin,etc,proc,sys,dev,tmp,root,usr/local/bin}
    chmod 1777 "$r/tmp"
    cp /bin/busybox "$r/bin/busybox"
    local a
    for a in $("$r/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
    install -m 755 "$MEMHOG" "$r/usr/local/bin/memhog"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
    tar -C "$r" --numeric-owner -cf - . |
      podman import -q --change 'CMD ["/bin/sh"]' --change "LABEL stasis.ci.hash=$h" - "$IMG_BB" >/dev/null
    rm -rf "$r"
    log "images: imported $IMG_BB ($(podman image inspect --format '{{.Id}}' "$IMG_BB" | cut -c1-12))"
  fi
}

# debian: the cached debootstrap rootfs + memhog
image_debian() {
  [ -x "$MEMHOG" ] || die "images: $MEMHOG missing (run the memhog step)"
  local h r
  wait_debootstrap
  [ -s "$DEB_TAR" ] || die "images: $DEB_TAR missing"
  if [ ! -s "$DEB_TAR.sha256" ] || [ "$DEB_TAR" -nt "$DEB_TAR.sha256" ]; then
    sha256sum "$DEB_TAR" | cut -c1-16 >"$DEB_TAR.sha256"
  fi
  h="r$IMAGE_RECIPE-$(cat "$DEB_TAR.sha256")-$(memhog_hash)"
  if [ "${REBUILD_IMAGES:-0}" != 1 ] && [ "$(image_label "$IMG_DEB")" = "$h" ]; then
    log "images: $IMG_DEB up to date"
  else
    r=$(mktemp -d /tmp/stasis-deb.XXXXXX)
    zstd -q -dc "$DEB_TAR" | tar -C "$r" --numeric-owner -xf -
    install -m 755 "$MEMHOG" "$r/usr/local/bin/memhog"
    tar -C "$r" --numeric-owner -cf - . |
      podman import -q --change 'CMD ["/bin/sh"]' --change "LABEL stasis.ci.hash=$h" - "$IMG_DEB" >/dev/null
    rm -rf "$r"
    log "images: imported $IMG_DEB ($(podman image inspect --format '{{.Id}}' "$IMG_DEB" | cut -c1-12))"
  fi
}

# ----------------------------------------------------------------------------------------------- docker
DOCKERD_LOG=/var/log/stasis-ci-dockerd.log
step_docker() {
  if ! timeout 20 docker info >/dev/null 2>&1; then
    [ -x /usr/sbin/dockerd ] || die "docker: /usr/sbin/dockerd missing (docker.io not installed?)"
    if [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      die "docker: dockerd pid $(cat /var/run/docker.pid) is running but 'docker info' fails; see $DOCKERD_LOG"
    fi
    log "docker: starting an experimental dockerd (log: $DOCKERD_LOG)"
    # own session, all fds redirected: it must outlive this script and must not hold a CI log pipe open
    setsid nohup /usr/sbin/dockerd --experimental --iptables=false --ip6tables=false --ip-masq=false \
      --ip-forward=false --bridge=none --exec-opt native.cgroupdriver=cgroupfs \
      --default-ulimit nofile=1024:1024 --default-ulimit nproc=1024:1024 \
      >>"$DOCKERD_LOG" 2>&1 </dev/null &
    local dpid=$!
    for _ in $(seq 120); do
      timeout 5 docker info >/dev/null 2>&1 && break
      kill -0 "$dpid" 2>/dev/null || {
        tail -n 20 "$DOCKERD_LOG" | sed 's/^/    | /' >&2
        die "docker: dockerd exited"
      }
      sleep 0.5
    done
    timeout 5 docker info >/dev/null 2>&1 || die "docker: dockerd did not answer within 60 s; see $DOCKERD_LOG"
    log "docker: dockerd up (pid $dpid)"
  fi
  local exp
  exp=$(docker info --format '{{.ExperimentalBuild}}' 2>/dev/null || echo '?')
  [ "$exp" = true ] || warn "docker: the running dockerd is not experimental (docker checkpoint will not work)"
  log "docker: server $(docker version --format '{{.Server.Version}}'), experimental=$exp, cli $(command -v docker)"

  local h
  h=$(image_label "$IMG_BB")
  if [ "$(docker image inspect --format '{{index .Config.Labels "stasis.ci.hash"}}' stasis-busybox:latest 2>/dev/null)" = "$h" ]; then
    log "docker: stasis-busybox:latest up to date"
  else
    podman save -q "$IMG_BB" | docker load -q >/dev/null
    docker tag "$IMG_BB" stasis-busybox:latest
    log "docker: loaded stasis-busybox:latest"
  fi
}

# ------------------------------------------------------------------------------------------------ hosts
# started before the Debian image exists (debootstrap may still run); that image is seeded afterwards
step_hosts() {
  STASIS_HOSTS_IMAGES=$IMG_BB bash "$CI_DIR/ssh-hosts.sh" up
}

# --------------------------------------------------------------------------------------------- chromium
step_chromium() {
  [ -x /usr/bin/chromium ] || die "chromium: /usr/bin/chromium missing"
  log "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
}

# ------------------------------------------------------------------------------------------------ check
step_check() {
  local bad=0 s
  s=$(criu --version 2>&1 | head -1)
  if criu check >/dev/null 2>&1; then log "check: $s, criu check: Looks good"; else
    log "check: $s, criu check FAILED" >&2
    bad=1
  fi
  if crit4 --help >/dev/null 2>&1; then log "check: crit4 ok"; else
    log "check: crit4 FAILED" >&2
    bad=1
  fi
  if [ -x /usr/local/bin/checkpointctl ] && checkpointctl --help >/dev/null 2>&1; then
    log "check: $(checkpointctl version) runs"
  else
    log "check: checkpointctl not available"
  fi
  log "check: podman $(podman version --format '{{.Client.Version}}'), runtime $(podman info --format '{{.Host.OCIRuntime.Name}}'), cgroups $(podman info --format '{{.Host.CgroupManager}}/{{.Host.CgroupsVersion}}')"
  for s in "$IMG_BB" "$IMG_DEB"; do
    if podman image exists "$s"; then log "check: podman image $s $(podman image inspect --format '{{.Id}}' "$s" | cut -c1-12)"; else
      log "check: podman image $s MISSING" >&2
      bad=1
    fi
  done
  if [ "${NO_DOCKER:-0}" != 1 ]; then
    if timeout 10 docker image inspect stasis-busybox:latest >/dev/null 2>&1; then log "check: docker answers, stasis-busybox:latest present"; else
      log "check: docker or its image stasis-busybox:latest MISSING" >&2
      bad=1
    fi
  fi
  log "check: fs.pipe-max-size=$(cat /proc/sys/fs/pipe-max-size)"
  if ! bash "$CI_DIR/ssh-hosts.sh" status | sed 's/^/    /'; then
    log "check: ssh hosts FAILED" >&2
    bad=1
  fi
  [ "$bad" = 0 ] || die "check: some checks failed"
}

# ------------------------------------------------------------------------------------------------- main
[ "${NO_DOCKER:-0}" = 1 ] && STEPS=${STEPS/ docker / }
want apt && step_apt
want images && start_debootstrap # background; joined in image_debian
want criu && step_criu
want conf && step_conf
want sysctl && step_sysctl
want memhog && step_memhog
want zdtm && bash "$CI_DIR/zdtm-corpus.sh"
want images && image_busybox
want docker && step_docker
want hosts && step_hosts
want images && image_debian
want hosts && STASIS_HOSTS_IMAGES=$IMG_DEB bash "$CI_DIR/ssh-hosts.sh" seed
want chromium && step_chromium
want check && step_check
# selftest: SELFTEST=1 always, 0 never, auto (default): unless it already passed against exactly this state
fingerprint() {
  {
    cat /proc/sys/kernel/random/boot_id /proc/sys/fs/pipe-max-size "$CRIU_PREFIX/.stasis-stamp" \
      /etc/containers/containers.conf "$MEMHOG.src-hash" /var/run/docker.pid "${STASIS_HOSTS_BASE:-/srv/stasis-hosts}"/*/sshd.pid 2>/dev/null
    podman image inspect --format '{{.Id}}' "$IMG_BB" "$IMG_DEB" 2>/dev/null
    cat "$CI_DIR/selftest.sh"
  } | sha256sum | cut -c1-16
}
if want selftest; then
  fp=$(fingerprint)
  case "${SELFTEST:-auto}" in
  0) log "selftest: skipped (SELFTEST=0)" ;;
  auto) if [ "$(cat "$CACHE/selftest.passed" 2>/dev/null)" = "$fp" ]; then
    log "selftest: skipped, it passed before against this same state (SELFTEST=1 forces it)"
  else
    bash "$CI_DIR/selftest.sh"
    echo "$fp" >"$CACHE/selftest.passed"
  fi ;;
  *)
    bash "$CI_DIR/selftest.sh"
    echo "$fp" >"$CACHE/selftest.passed"
    ;;
  esac
fi
log "done"
