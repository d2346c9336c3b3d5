#!/usr/bin/env bash
# A scripted rescue across separate CLI processes against one persisting lab (issue 12):
#   lab start photon-seed → dfu write (harmless) → diagnose → repair-keys SIGKILLed mid-way →
#   repair-keys again (resumes) → lab stop; then checks the final DCT key slot and the saved cloud state.
# Uses a temp data folder and fast timing. Exit 0 = every check held; prints "lab-sequence: OK".
set -euo pipefail
cd "$(dirname "$0")/.."

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lab-sequence.XXXXXX")"
export PARTICLE_RESCUE_DATA_DIR="$WORK/data"
unset PARTICLE_RESCUE_LAB PARTICLE_RESCUE_LAB_DIR
LAB_DIR="$PARTICLE_RESCUE_DATA_DIR/lab"
# One bundle of the CLI for this run (inside the repo so node_modules resolve; no race with other runs).
BUNDLE_DIR="dist/lab-sequence-$$"
CLI=(node "$BUNDLE_DIR/main.js")
LAB_PID=""

cleanup() {
  if [ -n "$LAB_PID" ] && kill -0 "$LAB_PID" 2>/dev/null; then kill -TERM "$LAB_PID" 2>/dev/null || true; wait "$LAB_PID" 2>/dev/null || true; fi
  rm -rf "$WORK" "$BUNDLE_DIR"
}
trap cleanup EXIT

fail() { echo "lab-sequence: FAILED: $*" >&2; [ -f "$WORK/lab.log" ] && sed 's/^/  lab | /' "$WORK/lab.log" >&2; exit 1; }
step() { echo "lab-sequence: $*"; }

npx esbuild electron/cli/main.ts --bundle --platform=node --format=cjs --target=node20 --packages=external --log-level=error --outfile="$BUNDLE_DIR/main.js"

step "lab start photon-seed (background)"
"${CLI[@]}" lab start photon-seed --timing fast >"$WORK/lab.log" 2>&1 &
LAB_PID=$!
for _ in $(seq 1 300); do
  "${CLI[@]}" lab status --json >"$WORK/status.json" 2>/dev/null && break
  kill -0 "$LAB_PID" 2>/dev/null || fail "the lab service exited while starting"
  sleep 0.2
done
DEVICE="$(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); process.stdout.write(s.devices[0].deviceId)' "$WORK/status.json")" || fail "lab status did not answer"
step "device $DEVICE"

step "dfu write 16 harmless bytes into the unused OTA region, read back in another process, leave DFU"
printf 'lab-sequence-ok!' >"$WORK/harmless.bin"
"${CLI[@]}" dfu write "$DEVICE" --alt 0 --address 0x080E0000 "$WORK/harmless.bin" --lab >/dev/null || fail "dfu write"
"${CLI[@]}" dfu read "$DEVICE" --alt 0 --address 0x080E0000 --length 16 --out "$WORK/readback.bin" --lab >/dev/null || fail "dfu read"
cmp -s "$WORK/harmless.bin" "$WORK/readback.bin" || fail "a later process did not see the earlier dfu write"
"${CLI[@]}" dfu leave "$DEVICE" --lab >/dev/null || fail "dfu leave"

step "diagnose (expects: keys need repair, exit 1)"
set +e
"${CLI[@]}" diagnose "$DEVICE" --lab --json >"$WORK/diagnose.json"
DIAG=$?
set -e
[ "$DIAG" = 1 ] || fail "diagnose exited $DIAG, expected 1 (keys need repair)"
grep -q '"healthy": false' "$WORK/diagnose.json" || fail "diagnose did not find the seed key problem"

step "repair-keys, SIGKILLed once its key is saved"
JOURNAL="$PARTICLE_RESCUE_DATA_DIR/journal"
"${CLI[@]}" repair-keys "$DEVICE" --lab --json >"$WORK/repair1.json" 2>"$WORK/repair1.err" &
REPAIR_PID=$!
for _ in $(seq 1 1200); do
  if grep -qs '"key-saved"' "$JOURNAL"/* 2>/dev/null; then kill -KILL "$REPAIR_PID"; break; fi
  kill -0 "$REPAIR_PID" 2>/dev/null || break
  sleep 0.05
done
set +e
wait "$REPAIR_PID"
KILLED=$?
set -e
[ "$KILLED" = 137 ] || fail "the first repair was not killed mid-way (exit $KILLED)"
grep -q '"uploaded"' "$JOURNAL"/* && fail "the first repair had already uploaded when killed"
KEYFILE="$(ls "$PARTICLE_RESCUE_DATA_DIR/keys/$DEVICE/"*.der | head -1)"

step "repair-keys again (resumes)"
"${CLI[@]}" repair-keys "$DEVICE" --lab --json >"$WORK/repair2.json" || fail "the second repair failed: $(cat "$WORK/repair2.json")"
grep -q '"cloudConnected": true' "$WORK/repair2.json" || fail "the second repair did not see the device online"

step "read the final DCT key slot"
"${CLI[@]}" dfu read "$DEVICE" --alt 1 --address 34 --length 612 --out "$WORK/keyslot.bin" --lab >/dev/null || fail "reading the DCT key slot"

step "lab stop"
"${CLI[@]}" lab stop >/dev/null || fail "lab stop"
wait "$LAB_PID" || fail "the lab service did not exit cleanly"
LAB_PID=""
[ ! -e "$LAB_DIR/lab.json" ] || fail "lab.json left behind after lab stop"

step "check: DCT key = the key the killed run saved = the key the saved cloud holds; the device came online"
node - "$WORK/keyslot.bin" "$KEYFILE" "$LAB_DIR/state.json" "$DEVICE" <<'NODE'
const { readFileSync } = require('fs');
const { createPrivateKey, createPublicKey } = require('crypto');
const [slotFile, keyFile, stateFile, deviceId] = process.argv.slice(2);
const der = (bytes) => bytes.subarray(0, ((bytes[2] << 8) | bytes[3]) + 4); // SEQUENCE with a 2-byte length
const publicOf = (bytes) => createPublicKey(createPrivateKey({ key: der(bytes), format: 'der', type: 'pkcs1' })).export({ format: 'der', type: 'spki' });
const slot = publicOf(readFileSync(slotFile));
const saved = publicOf(readFileSync(keyFile));
const state = JSON.parse(readFileSync(stateFile, 'utf8'));
const record = state.cloud.devices.find((d) => d.id === deviceId);
const problems = [];
if (!record || !record.publicKeySpki) problems.push('the saved cloud holds no key for the device');
else if (!Buffer.from(record.publicKeySpki, 'base64').equals(slot)) problems.push('the DCT key does not match the key the cloud holds');
if (!slot.equals(saved)) problems.push('the resumed repair did not finish with the key the killed run saved');
if (!record || !record.lastHandshakeAt) problems.push('the saved cloud never saw the device handshake');
if (problems.length) { console.error(`lab-sequence: FAILED: ${problems.join('; ')}`); process.exit(1); }
NODE
echo "lab-sequence: OK"
