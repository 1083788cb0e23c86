#!/usr/bin/env bash
# Two homes share one library in a bucket, through the real CLI: s3rver on loopback, one home
# serves (the writer, holding the lease), a second writer is refused with library_in_use,
# the writer indexes, and another home searches read-only and finds it.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node node_modules/s3rver/bin/s3rver.js -d "$work/s3" -a 127.0.0.1 -p "$port" --silent --configure-bucket smoke &
s3_pid=$!
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  kill "$s3_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
node -e "
  const until = Date.now() + 20000;
  (async () => {
    for (;;) {
      try { await fetch(process.env.AWS_ENDPOINT_URL); return; } catch {}
      if (Date.now() > until) { console.error('s3rver did not start'); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();"

# node itself, not an npm wrapper: the process ids below are the ones to stop.
quire=(node --import tsx electron/core/cli/main.ts)
library="s3://smoke/team"
# Full-text only: no embedding model is installed in these homes.
common=(--library "$library" --model-dir "$work/no-models" --embedding-model Xenova/all-MiniLM-L6-v2)
mkdir -p "$work/docs"
printf '# Estuaries\n\nAn estuary is where a river meets the sea and fresh water mixes with salt.\n' >"$work/docs/estuary.md"
printf '# Glaciers\n\nA glacier is a river of ice that moves under its own weight.\n' >"$work/docs/glacier.md"

echo "bucket smoke: indexing into $library"
"${quire[@]}" index "$work/docs" --data "$work/home-a" "${common[@]}" >/dev/null

echo "bucket smoke: a writer serving the library, and a second writer refused"
"${quire[@]}" serve --data "$work/home-a" --port 0 --json "${common[@]}" >"$work/serve.out" &
serve_pid=$!
for _ in $(seq 150); do grep -q '"url"' "$work/serve.out" 2>/dev/null && break; sleep 0.2; done
grep -q '"url"' "$work/serve.out" || { echo "quire serve did not start" >&2; exit 1; }
if "${quire[@]}" index "$work/docs" --data "$work/home-c" "${common[@]}" 2>"$work/refused.err" >/dev/null; then
  echo "a second writer was let in" >&2
  exit 1
fi
grep -q "is being written by" "$work/refused.err" || { cat "$work/refused.err" >&2; exit 1; }

echo "bucket smoke: another home reads it"
"${quire[@]}" search "estuary" --data "$work/home-b" --read-only --json "${common[@]}" >"$work/search.out"
grep -q 'estuary.md' "$work/search.out" || { cat "$work/search.out" >&2; exit 1; }
echo "bucket smoke: passed"
