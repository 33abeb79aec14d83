#!/usr/bin/env python3
"""Regenerates the protobuf request-body fixtures from the real kubectl.

Runs a throwaway HTTPS API stub on 127.0.0.1 (self-signed certificate made with openssl), points
kubectl at it with a temporary kubeconfig, and for each case saves
  <case>.pb    the exact body kubectl POSTed (Content-Type application/vnd.kubernetes.protobuf)
  <case>.json  what `kubectl <same args> --dry-run=client -o json` prints, when there is such a command
The stub answers /version, legacy discovery and the POSTs (echoing name/kind back as JSON), and
nothing else. It never contacts anything but 127.0.0.1; it stops when the script ends.

Usage: python3 capture.py [kubectl]   (run from this directory)
"""
import base64, json, os, ssl, subprocess, sys, tempfile, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KUBECTL = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/kubectl"
HERE = os.path.dirname(os.path.abspath(__file__))

# case name -> kubectl arguments (the create commands also run with --dry-run=client -o json)
CASES = {
    "namespace": ["create", "namespace", "x"],
    "deployment": ["create", "deployment", "web", "--image=nginx:1.25", "--replicas=3", "--port=80"],
    "deployment-two-images": ["create", "deployment", "pair", "-n", "team", "--image=nginx:1.25", "--image=busybox:1.36"],
    "configmap": ["create", "configmap", "c", "--from-literal=a=b", "--from-literal=k=v"],
    "configmap-binary": ["create", "configmap", "bin", "--from-file=blob.bin={blob}", "--from-literal=text=hello"],
    "secret": ["create", "secret", "generic", "s", "--from-literal=password=hunter2"],
    "secret-typed": ["create", "secret", "generic", "typed", "--type=example.test/token", "--from-literal=user=demo"],
    "service": ["create", "service", "clusterip", "svc", "--tcp=80:8080"],
    "service-nodeport": ["create", "service", "nodeport", "np", "--tcp=443:8443", "--node-port=30443"],
    "service-externalname": ["create", "service", "externalname", "ext", "--external-name=example.test"],
    "job": ["create", "job", "j", "--image=busybox", "--", "echo", "hi"],
    "cronjob": ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure", "--", "date"],
    "serviceaccount": ["create", "serviceaccount", "robot"],
    "quota": ["create", "quota", "q", "--hard=cpu=2,memory=1Gi,pods=10"],
    "pdb": ["create", "poddisruptionbudget", "budget", "--selector=app=web", "--min-available=50%"],
    "can-i": ["auth", "can-i", "get", "pods"],
    "can-i-subresource": ["auth", "can-i", "create", "pods", "--subresource=exec", "-n", "team"],
}

bodies = {}  # request path -> (content type, body)

def fields(data):
    """Minimal protobuf reader for the stub's echo: [(number, wire type, value)]."""
    out, i = [], 0
    def varint():
        nonlocal i
        shift = result = 0
        while True:
            b = data[i]; i += 1
            result |= (b & 0x7F) << shift; shift += 7
            if b < 0x80:
                return result
    while i < len(data):
        tag = varint(); num, wt = tag >> 3, tag & 7
        if wt == 0:
            out.append((num, wt, varint()))
        elif wt == 2:
            n = varint(); out.append((num, wt, data[i:i + n])); i += n
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        else:
            raise ValueError("group")
    return out

def field(data, num, default=b""):
    return next((v for n, _, v in fields(data) if n == num), default)

def resources(group_version, items):
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": [
        {"name": name, "singularName": name[:-1], "namespaced": ns, "kind": kind,
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]} for name, kind, ns in items]}

GROUPS = {"apps": [("deployments", "Deployment", True)],
          "batch": [("jobs", "Job", True), ("cronjobs", "CronJob", True)],
          "policy": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
          "authorization.k8s.io": [("selfsubjectaccessreviews", "SelfSubjectAccessReview", False)]}
CORE = [("namespaces", "Namespace", False), ("configmaps", "ConfigMap", True), ("secrets", "Secret", True),
        ("services", "Service", True), ("pods", "Pod", True), ("serviceaccounts", "ServiceAccount", True),
        ("resourcequotas", "ResourceQuota", True)]

class Stub(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/version":
            return self.reply(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.4", "platform": "linux/amd64"})
        if path == "/api":
            return self.reply(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
        if path == "/apis":
            return self.reply(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": g + "/v1", "version": "v1"}],
                 "preferredVersion": {"groupVersion": g + "/v1", "version": "v1"}} for g in GROUPS]})
        if path == "/api/v1":
            return self.reply(200, resources("v1", CORE))
        for g, items in GROUPS.items():
            if path == f"/apis/{g}/v1":
                return self.reply(200, resources(g + "/v1", items))
        self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        bodies[self.path.split("?")[0]] = (self.headers.get("Content-Type"), body)
        if not body.startswith(b"k8s\0"):
            return self.reply(415, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 415})
        unknown = body[4:]
        type_meta = field(unknown, 1)
        api_version, kind = field(type_meta, 1).decode(), field(type_meta, 2).decode()
        meta = field(field(unknown, 2), 1)
        echo = {"kind": kind, "apiVersion": api_version,
                "metadata": {"name": field(meta, 1).decode(), "namespace": field(meta, 3).decode()}}
        if kind == "SelfSubjectAccessReview":
            echo["status"] = {"allowed": True}
        self.reply(201, echo)

def main():
    tmp = tempfile.mkdtemp(prefix="capture-")
    cert, key = os.path.join(tmp, "tls.crt"), os.path.join(tmp, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    blob = os.path.join(tmp, "blob.bin")
    with open(blob, "wb") as f:
        f.write(bytes([0, 1, 2, 0xFE, 0xFF]))  # not UTF-8, so kubectl puts it in binaryData

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    kubeconfig = os.path.join(tmp, "kubeconfig")
    with open(cert, "rb") as f:
        ca = base64.b64encode(f.read()).decode()
    with open(kubeconfig, "w") as f:
        f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster: {{server: "https://127.0.0.1:{server.server_address[1]}", certificate-authority-data: "{ca}"}}
users:
- name: stub
  user: {{token: fixture}}
contexts:
- name: stub
  context: {{cluster: stub, user: stub, namespace: default}}
current-context: stub
""")
    env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=tmp, KUBECACHEDIR=os.path.join(tmp, "cache"))
    try:
        for case, args in CASES.items():
            args = [a.format(cert=cert, key=key, blob=blob) for a in args]
            bodies.clear()
            run = subprocess.run([KUBECTL, *args], env=env, capture_output=True, text=True, timeout=60)
            posted = [(p, ct, b) for p, (ct, b) in bodies.items()]
            if len(posted) != 1:
                raise SystemExit(f"{case}: expected one POST, got {[p for p, _, _ in posted]}: {run.stdout}{run.stderr}")
            path, content_type, body = posted[0]
            print(f"{case}: POST {path} [{content_type}] {len(body)} bytes -> {run.stdout.strip() or run.stderr.strip()}")
            with open(os.path.join(HERE, case + ".pb"), "wb") as f:
                f.write(body)
            if args[0] == "create":
                dry = subprocess.run([KUBECTL, *args[:2], *[a for a in args[2:]], "--dry-run=client", "-o", "json"]
                                     if "--" not in args else
                                     [KUBECTL, *args[:args.index("--")], "--dry-run=client", "-o", "json", *args[args.index("--"):]],
                                     env=env, capture_output=True, text=True, timeout=60, check=True)
                with open(os.path.join(HERE, case + ".json"), "w") as f:
                    f.write(dry.stdout)
    finally:
        server.shutdown()

if __name__ == "__main__":
    main()
