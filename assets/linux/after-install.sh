#!/bin/sh
# Replaces electron-builder's default after-install script: redo its steps, then ours.
# The single-quoted ${...} are electron-builder's placeholders, filled in when the package is built, not shell.
# shellcheck disable=SC2016
set -e
# Chromium's setuid sandbox helper must be root-owned and setuid where user namespaces are restricted.
if [ -f '/opt/${sanitizedProductName}/chrome-sandbox' ]; then
  chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi
ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
# The helper runs as root: it must be root-owned and not writable by anyone else.
if [ -f /usr/libexec/stasis/stasis-helper ]; then
  chown root:root /usr/libexec/stasis/stasis-helper
  chmod 0755 /usr/libexec/stasis/stasis-helper
fi
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q || true; fi
