#!/bin/sh
# Makes assets/sample-checkpoint.tar.zst, the checkpoint the image browser's "Open the sample" button opens: a small
# busybox container (a shell, a loop, files held open, one of them deleted, a fifo, an
# environment with a fake token) checkpointed with Stasis's own `stasis checkpoint` into the local store and copied out.
# Needs root, podman, CRIU and the localhost/stasis-busybox image (ci/provision.sh). Run from the repository root.
set -eu
name="stasis-sample-$$"
podman run -d --name "$name" --network none -e GREETING=hello-from-the-sample -e API_TOKEN=sample-token-not-a-secret \
  localhost/stasis-busybox:latest sh -c '
    cd /tmp && echo "sample data" > notes.txt && mkfifo fifo
    exec 3<notes.txt 4>log.txt 5>deleted.txt 6<>fifo
    rm deleted.txt
    (while true; do sleep 1; done) &
    exec sleep 1000000' >/dev/null
trap 'podman rm -f -t 0 "$name" >/dev/null 2>&1 || true' EXIT
sleep 1
id=$(node "${STASIS_CLI:-bin/stasis.mjs}" checkpoint local "$name" --compress zstd --json | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).id))')
archive=$(find /var/lib/stasis/hosts -path "*/$id/*" -name 'archive.tar.zst' | head -n 1)
cp "$archive" assets/sample-checkpoint.tar.zst
chmod 0644 assets/sample-checkpoint.tar.zst
node "${STASIS_CLI:-bin/stasis.mjs}" rm local "$id" --json >/dev/null
ls -l assets/sample-checkpoint.tar.zst
