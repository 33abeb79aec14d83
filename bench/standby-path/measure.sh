#!/usr/bin/env bash
# The service path three ways, one run, same client (ADR 0026): straight to the pod IPs, through a NodePort
# served by the relay (the process alive), and through the same NodePort served by the kernel standby table
# (the process SIGKILLed, its pods running). Then the downtime itself: sequential requests on new connections
# while the process is dead, with the standby table and after deleting it (the path before ADR 0026).
# The client is a network namespace beside the host (veth, default route through the host), as another
# machine would be: the standby table serves traffic arriving at the node (prerouting), not the node's own.
# Load: curl --parallel, every request on a new connection (Connection: close).
# Usage (root, from the repository root): bench/standby-path/measure.sh [requests] [parallel] [seconds-down]
#   → a Markdown table on stdout. Starts its own server (node bench-standby, bridge axlsb239), removes everything after.
set -euo pipefail
requests=${1:-4000}
parallel=${2:-16}
down=${3:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.build/axolotl/axolotl"
"$root/axolotl" version >/dev/null
data=$(mktemp -d /tmp/axolotl-standby-bench-XXXX)
port=$((20000 + RANDOM % 10000))
slot=239
bridge=axlsb$slot
client=axlsbcl
kubectl=(kubectl --kubeconfig "$data/kubeconfig")
pid=

cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  "$bin" reset --data-dir "$data" >/dev/null 2>&1 || true
  ip link del axlsbclh 2>/dev/null || true
  ip netns del $client 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

start_server() {
  "$bin" server --data-dir "$data" --port $port --bind 127.0.0.1 --node-name bench-standby --bridge $bridge \
    --pod-cidr 10.244.$slot.0/24 --service-cidr 10.96.$slot.0/24 --kubelet-port $((port + 1)) --airgap --resolv-conf "" \
    --ingress-http-port 0 --ingress-https-port 0 >>"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    grep -q "Axolotl is ready" "$data/server.log" 2>/dev/null && [[ $(grep -c "Axolotl is ready" "$data/server.log") -ge $1 ]] && return 0
    sleep 0.1
  done
  echo "server not ready" >&2; tail -50 "$data/server.log" >&2; exit 1
}

# curl --parallel over a URL list; prints "ok failed seconds".
burst() { # url...
  local cfg=$data/urls.txt i=0
  : >"$cfg"
  while ((i < requests)); do for u in "$@"; do echo "url = \"$u\"" >>"$cfg"; echo 'output = "/dev/null"' >>"$cfg"; i=$((i + 1)); done; done
  local t0 t1 codes
  t0=$(date +%s%N)
  codes=$(ip netns exec $client curl -s --no-progress-meter --parallel --parallel-max "$parallel" --parallel-immediate -H 'Connection: close' -m 5 \
    -w '%{http_code}\n' --config "$cfg" || true)
  t1=$(date +%s%N)
  local ok failed
  ok=$(grep -c '^200$' <<<"$codes" || true)
  failed=$((requests - ok))
  echo "$ok $failed $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
}

# Sequential requests on new connections for $down seconds; prints "sent failed".
sequential() { # url
  local end=$((SECONDS + down)) sent=0 failed=0 code
  while ((SECONDS < end)); do
    code=$(ip netns exec $client curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" || true)
    sent=$((sent + 1)); [[ $code == 200 ]] || failed=$((failed + 1))
  done
  echo "$sent $failed"
}

start_server 1
"${kubectl[@]}" apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: axolotl/http-hello
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
YAML
"${kubectl[@]}" rollout status deployment/web --timeout=120s >/dev/null
nodeport=$("${kubectl[@]}" get service web -o jsonpath='{.spec.ports[0].nodePort}')
read -r -a pods <<<"$("${kubectl[@]}" get pods -l app=web -o jsonpath='{.items[*].status.podIP}')"
gateway=10.244.$slot.1

ip netns add $client
ip link add axlsbclh type veth peer name eth0 netns $client
ip addr add 10.252.$slot.1/30 dev axlsbclh; ip link set axlsbclh up
ip -n $client addr add 10.252.$slot.2/30 dev eth0; ip -n $client link set eth0 up; ip -n $client link set lo up
ip -n $client route add default via 10.252.$slot.1
for _ in $(seq 100); do
  ip netns exec $client curl -s -o /dev/null -m 2 "http://$gateway:$nodeport/" && nft list table ip axolotl_standby_$bridge 2>/dev/null | grep -q ". $nodeport :" && break
  sleep 0.2
done

direct=$(burst "http://${pods[0]}:8080/" "http://${pods[1]}:8080/")
relay=$(burst "http://$gateway:$nodeport/")
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
standby=$(burst "http://$gateway:$nodeport/")
# Straight to the pods again (they outlive the process), so the baseline brackets both NodePort runs.
direct2=$(burst "http://${pods[0]}:8080/" "http://${pods[1]}:8080/")
down_standby=$(sequential "http://$gateway:$nodeport/")
nft delete table ip axolotl_standby_$bridge
down_none=$(sequential "http://$gateway:$nodeport/")

rate() { awk -v ok="$1" -v s="$3" 'BEGIN { printf "%.0f", ok / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
read -r d_ok d_failed d_s <<<"$direct"; read -r d2_ok d2_failed d2_s <<<"$direct2"
read -r r_ok r_failed r_s <<<"$relay"; read -r s_ok s_failed s_s <<<"$standby"
d_rate=$(rate $d_ok $d_failed $d_s); d2_rate=$(rate $d2_ok $d2_failed $d2_s); r_rate=$(rate $r_ok $r_failed $r_s); s_rate=$(rate $s_ok $s_failed $s_s)
read -r ds_sent ds_failed <<<"$down_standby"; read -r dn_sent dn_failed <<<"$down_none"
# Each NodePort run is compared with the direct run in the same state: a live server takes CPU from the clients and pods on a small machine.
echo "| path | requests/s | ÷ direct, same state | failed |"
echo "|---|---|---|---|"
echo "| straight to the pod IPs, server alive (2 pods, alternating) | $d_rate | 1.00 × | $d_failed of $requests |"
echo "| NodePort through the relay, server alive | $r_rate | $(ratio $r_rate $d_rate) × | $r_failed of $requests |"
echo "| straight to the pod IPs, server SIGKILLed | $d2_rate | 1.00 × | $d2_failed of $requests |"
echo "| NodePort through the kernel standby table, server SIGKILLed | $s_rate | $(ratio $s_rate $d2_rate) × | $s_failed of $requests |"
echo
echo "| process dead for ${down} s, sequential requests | sent | failed |"
echo "|---|---|---|"
echo "| with the standby table | $ds_sent | $ds_failed |"
echo "| without it (before ADR 0026) | $dn_sent | $dn_failed |"
echo
echo "$requests requests per path, $parallel in parallel, each on a new connection (curl --parallel, Connection: close), from a network namespace beside the host; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
