#!/bin/sh
# N fastpbkdf2 service instances on 127.0.0.1, ports BASE_PORT+1.. (default 8081..), for trying
# createRemotePool locally; run it in a project where fastpbkdf2 is installed:
#   export FASTPBKDF2_SERVICE_SECRET=$(openssl rand -hex 32)
#   sh /path/to/fastpbkdf2-repo/deploy/local/instances.sh 3     # Ctrl-C or SIGTERM stops them all
# Each instance runs the package's bin, what `npx fastpbkdf2 serve` runs, directly: npx would not
# pass SIGTERM on to it.
set -eu
n=${1:-2}
base=${BASE_PORT:-8080}
bin=${FASTPBKDF2_BIN:-node_modules/.bin/fastpbkdf2}
: "${FASTPBKDF2_SERVICE_SECRET:?set FASTPBKDF2_SERVICE_SECRET (e.g. openssl rand -hex 32)}"
[ -x "$bin" ] || { echo "no $bin here: run this where fastpbkdf2 is installed (npm install fastpbkdf2)" >&2; exit 2; }
pids=""
trap 'kill $pids 2>/dev/null || true' INT TERM EXIT
i=1
while [ "$i" -le "$n" ]; do
  "$bin" serve --host 127.0.0.1 --port $((base + i)) &
  pids="$pids $!"
  i=$((i + 1))
done
wait
