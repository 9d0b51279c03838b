# shellcheck shell=bash
# ci/lib.sh - helpers shared by the ci/ scripts (sourced, not executed).

# STASIS_CI_T0 is exported by the first script so nested scripts report times from the same origin.
: "${STASIS_CI_T0:=$EPOCHREALTIME}"
export STASIS_CI_T0

# log MSG... -> "[stasis-ci 12:34:56 +  3.2s] MSG" (on stdout; tag = script name)
log() {
  local t
  t=$(awk -v a="$STASIS_CI_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%6.1f", b - a }')
  printf '[%s %(%H:%M:%S)T +%ss] %s\n' "${LOG_TAG:-stasis-ci}" -1 "$t" "$*"
}
warn() { log "WARNING: $*" >&2; }
die() {
  log "ERROR: $*" >&2
  exit 1
}

# write_if_changed FILE MODE CONTENT -> 0 if (re)written, 1 if already identical
write_if_changed() {
  local f=$1 mode=$2 tmp
  mkdir -p "$(dirname "$f")"
  tmp=$(mktemp "$f.XXXXXX")
  printf '%s\n' "$3" >"$tmp"
  chmod "$mode" "$tmp"
  if [ -f "$f" ] && cmp -s "$tmp" "$f" && [ "$(stat -c %a "$f")" = "$(stat -c %a "$tmp")" ]; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$f"
  return 0
}

# run_logged LOGFILE CMD... -> runs CMD with stdout+stderr appended to LOGFILE; on failure prints the log's tail
run_logged() {
  local logf=$1 rc=0
  shift
  printf '\n### %(%F %T)T: %s\n' -1 "$*" >>"$logf"
  "$@" >>"$logf" 2>&1 </dev/null || rc=$?
  if [ "$rc" != 0 ]; then
    log "FAILED (exit $rc): $*  -- last lines of $logf:" >&2
    tail -n 40 "$logf" | sed 's/^/    | /' >&2
  fi
  return "$rc"
}

# debian_mirror -> the machine's configured Debian archive URL for bookworm (not -security/-updates).
# Override with DEBIAN_MIRROR. Reads one-line sources.list files and deb822 *.sources files.
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "${DEBIAN_MIRROR%/}"
    return
  fi
  local f url=""
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [opts] URL SUITE COMPONENTS...
    url=$(sed -E 's/#.*//; s/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
    [ -n "$url" ] && break
  done
  if [ -z "$url" ]; then
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      # paragraphs separated by blank lines; want Types: deb, a Suites list containing "bookworm", first URI
      url=$(awk 'BEGIN { RS = ""; FS = "\n" }
        {
          types = ""; uris = ""; suites = ""; enabled = "yes"
          for (i = 1; i <= NF; i++) {
            line = $i; sub(/#.*/, "", line)
            if (line ~ /^Types:/)   { sub(/^Types:[ \t]*/, "", line); types = line }
            if (line ~ /^URIs:/)    { sub(/^URIs:[ \t]*/, "", line); uris = line }
            if (line ~ /^Suites:/)  { sub(/^Suites:[ \t]*/, "", line); suites = " " line " " }
            if (line ~ /^Enabled:/) { sub(/^Enabled:[ \t]*/, "", line); enabled = line }
          }
          if (enabled != "no" && types ~ /(^| )deb( |$)/ && suites ~ / bookworm /) { split(uris, u, /[ \t]+/); print u[1]; exit }
        }' "$f")
      [ -n "$url" ] && break
    done
  fi
  url=${url:-http://deb.debian.org/debian}
  echo "${url%/}"
}
