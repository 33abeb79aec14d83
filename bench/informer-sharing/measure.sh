#!/usr/bin/env bash
# Informer sharing at 1,000 pods (issue 33, item 4): one `axolotl server --runtime fake` (its local node is
# fake too), the LIST requests its informers made per resource once it is idle (each informer lists once
# at its start; a relist would add one), then a 1,000-replica Deployment spread over the local node and
# 9 fake nodes of a separate `axolotl agent --fake-nodes 9` process, and the server's RSS once all are Running.
#   bench/informer-sharing/measure.sh BINARY LABEL      (prints a markdown fragment)
set -euo pipefail
bin="$1"; label="$2"
work="$(mktemp -d /tmp/axolotl-informers.XXXXXX)"
port=$(( 20000 + RANDOM % 20000 )); kport=$(( port + 1 ))
server_pid=""; agent_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM

"$bin" server --data-dir "$work/server" --port "$port" --bind 127.0.0.1 --runtime fake --node-name informers-local \
  --kubelet-port "$kport" --airgap >"$work/server.log" 2>&1 &
server_pid=$!
until grep -q "Axolotl is ready" "$work/server.log"; do sleep 0.5; kill -0 "$server_pid"; done
export KUBECONFIG="$work/server/kubeconfig"
until kubectl get node informers-local -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; do sleep 1; done
sleep 20   # every controller and the scheduler have synced; nothing else lists

token="$(awk '/token:/ {print $2}' "$KUBECONFIG" | head -1)"
metrics() { curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$port/metrics"; }
echo "### $label"
echo
echo "LIST requests per resource once idle, before any other client (one per informer started):"
echo
echo '| resource | LISTs |'
echo '|---|---:|'
metrics | grep '^apiserver_request_total{' | grep 'verb="LIST"' \
  | sed -E 's/.*[{,]resource="([^"]*)".*\} ([0-9]+)$/\1 \2/' | awk '{n[$1]+=$2} END {for (r in n) print r, n[r]}' | sort \
  | awk '{printf "| %s | %d |\n", $1, $2; t+=$2} END {printf "| **all** | **%d** |\n", t}'
echo
rss_idle=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")

"$bin" agent --server "https://127.0.0.1:$port" --token-file "$work/server/join-token" --runtime fake --fake-nodes 9 \
  --node-name-prefix informers-fake- --data-dir "$work/agent" --airgap >"$work/agent.log" 2>&1 &
agent_pid=$!
until grep -q "fake nodes (" "$work/agent.log"; do sleep 0.5; kill -0 "$agent_pid"; done
started=$(date +%s)
kubectl create deployment load --image=busybox --replicas=1000 -- sleep infinity >/dev/null
until [[ "$(kubectl get pods --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l)" -ge 1000 ]]; do sleep 2; done
loaded=$(( $(date +%s) - started ))
sleep 15
samples=()
for _ in 1 2 3 4 5; do samples+=("$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")"); sleep 2; done
median=$(printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
echo "| server | MB |"
echo "|---|---:|"
printf '| RSS idle, 0 pods (before the fake nodes joined) | %.1f |\n' "$(echo "$rss_idle/1024" | bc -l)"
printf '| RSS with 1,000 Running pods (median of 5, 15 s after the last went Running) | %.1f |\n' "$(echo "$median/1024" | bc -l)"
printf '| peak RSS (VmHWM) | %.1f |\n' "$(echo "$hwm/1024" | bc -l)"
echo
echo "1,000 pods Running ${loaded} s after the Deployment was created; RSS samples (kB): ${samples[*]}"
echo
