#!/usr/bin/env bash
# Two homes share one library in a bucket, through the real CLI: an object store on loopback
# (s3rver for `s3`, the default; Azurite for `azure`), one home serves (the writer, holding the
# lease), a second writer is refused with library_in_use, the writer indexes, and another home
# searches read-only and finds it.
set -euo pipefail
cd "$(dirname "$0")/.."
store="${1:-s3}"

work=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
serve_pid=""
store_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "$store_pid" ] && kill "$store_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$store" = "azure" ]; then
  azurite=test/servers/azurite/node_modules/azurite/dist/src/blob/main.js
  [ -f "$azurite" ] || npm ci --prefix test/servers/azurite --ignore-scripts --no-audit --no-fund >/dev/null
  node "$azurite" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence --skipApiVersionCheck --silent &
  store_pid=$!
  # Azurite's one built-in account and key, as its documentation publishes them.
  export AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1
  export AZURE_STORAGE_ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  export AZURE_STORAGE_ENDPOINT="http://127.0.0.1:$port/devstoreaccount1"
  library="az://smoke/team"
  probe="$AZURE_STORAGE_ENDPOINT"
else
  node node_modules/s3rver/bin/s3rver.js -d "$work/s3" -a 127.0.0.1 -p "$port" --silent --configure-bucket smoke &
  store_pid=$!
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  library="s3://smoke/team"
  probe="$AWS_ENDPOINT_URL"
fi
PROBE="$probe" node -e "
  const until = Date.now() + 20000;
  (async () => {
    for (;;) {
      try { await fetch(process.env.PROBE); return; } catch {}
      if (Date.now() > until) { console.error('the object store did not start'); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();"
if [ "$store" = "azure" ]; then
  # A container, as a user creates one in the portal: Quire never creates buckets.
  node --input-type=module -e "
    import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
    const key = new StorageSharedKeyCredential(process.env.AZURE_STORAGE_ACCOUNT_NAME, process.env.AZURE_STORAGE_ACCOUNT_KEY);
    await new ContainerClient(process.env.AZURE_STORAGE_ENDPOINT + '/smoke', key).create();"
fi

# node itself, not an npm wrapper: the process ids below are the ones to stop.
quire=(node --import tsx electron/core/cli/main.ts)
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
echo "bucket smoke ($store): passed"
