#!/usr/bin/env python3
"""Writes the C# protobuf schema tables in src/Axolotl.ApiServer/Protobuf/Schema/ from upstream sources.

Usage: SOURCES="kubernetes/api@<sha> and kubernetes/apimachinery@<sha>" gen_schema.py <dir> <outdir>
<dir> holds, from kubernetes/api and kubernetes/apimachinery at one release:
  {core,apps,batch,authorization,policy}.proto       (<group>/v1/generated.proto)
  {core,apps,batch,authorization,policy}.types.go    (<group>/v1/types.go)
  meta.proto, meta.types.go                           (pkg/apis/meta/v1)
e.g.  git -C api show HEAD:apps/v1/generated.proto > dir/apps.proto
<outdir> is src/Axolotl.ApiServer/Protobuf/Schema.
Field numbers and wire types come from the .proto files; JSON names, omitempty, pointer-ness and
inlining come from the Go struct tags, joined on the protobuf field number. Only the messages
reachable from ROOTS are written; fields of packages not listed in PROTO_PKG are left out and
skipped at decode time like any unknown field.
"""
import re, sys, os, collections

SRC, OUT = sys.argv[1], sys.argv[2]
PKGS = {"core": "core.v1", "apps": "apps.v1", "batch": "batch.v1", "authorization": "authorization.v1",
        "policy": "policy.v1", "meta": "meta.v1"}
PROTO_PKG = {"k8s.io.api.core.v1": "core.v1", "k8s.io.api.apps.v1": "apps.v1", "k8s.io.api.batch.v1": "batch.v1",
             "k8s.io.api.authorization.v1": "authorization.v1", "k8s.io.api.policy.v1": "policy.v1",
             "k8s.io.apimachinery.pkg.apis.meta.v1": "meta.v1"}
BUILTIN = {"k8s.io.apimachinery.pkg.apis.meta.v1.Time": "Time", "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "MicroTime",
           "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "RawJson", "k8s.io.apimachinery.pkg.runtime.RawExtension": "RawJson",
           "k8s.io.apimachinery.pkg.api.resource.Quantity": "Quantity", "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "IntOrString",
           "k8s.io.apimachinery.pkg.apis.meta.v1.Duration": "Duration", "authorization.v1.ExtraValue": "StringList"}
SCALAR = {"string": "String", "int32": "Int", "int64": "Int", "bool": "Bool", "bytes": "Bytes"}
ROOTS = {
    "core.v1": ["Namespace", "Pod", "Service", "ConfigMap", "Secret", "ServiceAccount", "ResourceQuota", "LimitRange",
                "ReplicationController", "Endpoints", "Event", "Binding", "PodTemplate", "Node"],
    "apps.v1": ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ControllerRevision"],
    "batch.v1": ["Job", "CronJob"],
    "authorization.v1": ["SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview"],
    "policy.v1": ["PodDisruptionBudget", "Eviction"],
    "meta.v1": ["DeleteOptions"],
}

def parse_proto(path, pkg):
    msgs = collections.OrderedDict()
    cur = None
    for line in open(path):
        s = line.split("//")[0].strip()
        m = re.match(r"message (\w+) \{", s)
        if m:
            cur = pkg + "." + m.group(1); msgs[cur] = []; continue
        if s == "}":
            cur = None; continue
        if not cur or not s:
            continue
        m = re.match(r"(optional|repeated|required)\s+(\S+)\s+(\w+)\s*=\s*(\d+)", s)
        mm = re.match(r"map<\s*(\S+),\s*(\S+)\s*>\s+(\w+)\s*=\s*(\d+)", s)
        if m:
            msgs[cur].append(dict(label=m.group(1), type=m.group(2), name=m.group(3), num=int(m.group(4)), map=None))
        elif mm:
            assert mm.group(1) == "string", s
            msgs[cur].append(dict(label="map", type=mm.group(2), name=mm.group(3), num=int(mm.group(4)), map=True))
        else:
            raise SystemExit("unparsed: " + s)
    return msgs

def parse_go(path, pkg):
    structs = {}
    cur = None
    for line in open(path):
        m = re.match(r"^type (\w+) struct \{\s*$", line)
        if m:
            cur = pkg + "." + m.group(1); structs[cur] = {}; continue
        if cur and line.startswith("}"):
            cur = None; continue
        if not cur:
            continue
        m = re.match(r"^\t(?:(\w+)\s+)?(\S+)\s+`([^`]*)`", line)
        if not m or "protobuf:" not in m.group(3):
            continue
        name, gotype, tags = m.group(1), m.group(2), m.group(3)
        js = re.search(r'json:"([^"]*)"', tags)
        pb = re.search(r'protobuf:"([^"]*)"', tags).group(1).split(",")
        parts = js.group(1).split(",") if js else [""]
        embedded = name is None
        structs[cur][int(pb[1])] = dict(json=parts[0], omitempty="omitempty" in parts[1:],
                                        inline=(embedded and parts[0] == "") or "inline" in parts[1:],
                                        pointer=gotype.startswith("*"))
    return structs

protos, gos = {}, {}
for short, pkg in PKGS.items():
    protos.update(parse_proto(os.path.join(SRC, short + ".proto"), pkg))
    gos.update(parse_go(os.path.join(SRC, short + ".types.go"), pkg))

def resolve(t, pkg):
    if t in SCALAR:
        return SCALAR[t], None
    t = t.lstrip(".")
    if t in BUILTIN:
        return BUILTIN[t], None
    if "." not in t:
        full = pkg + "." + t
        proto_full = {v: k for k, v in PROTO_PKG.items()}[pkg] + "." + t
        if full in BUILTIN or proto_full in BUILTIN:
            return BUILTIN.get(full) or BUILTIN[proto_full], None
        return "Message", full
    p, n = t.rsplit(".", 1)
    if p in PROTO_PKG:
        return "Message", PROTO_PKG[p] + "." + n
    return None, None  # a package we do not decode: the field is skipped like any unknown field

# Closure from the roots.
need, todo = [], [p + "." + r for p, rs in ROOTS.items() for r in rs]
while todo:
    n = todo.pop(0)
    if n in need:
        continue
    if n not in protos:
        raise SystemExit("missing message " + n)
    need.append(n)
    pkg = n.rsplit(".", 1)[0]
    for f in protos[n]:
        kind, ref = resolve(f["type"], pkg)
        if ref and ref not in need:
            todo.append(ref)

HELPER = {"String": "Str", "Int": "Int", "Bool": "Bool", "Bytes": "Bytes", "Time": "Time", "MicroTime": "MicroTime",
          "Quantity": "Quantity", "IntOrString": "IntOrString", "RawJson": "RawJson", "Duration": "Duration"}
LIST = {"String": "Strs", "Int": "Ints"}

def emit_field(msg, f):
    pkg = msg.rsplit(".", 1)[0]
    kind, ref = resolve(f["type"], pkg)
    if kind is None or ref in EMPTY:
        return None
    go = gos.get(msg, {}).get(f["num"])
    if go is None:
        raise SystemExit("no Go field for %s #%d" % (msg, f["num"]))
    json = go["json"] or f["name"]
    if ref:
        ref_s = ref.rsplit(".", 1)[1] if ref.rsplit(".", 1)[0] == pkg else ref
    if f["label"] == "map":
        if kind == "Message":
            return '            .MsgMap(%d, "%s", "%s")' % (f["num"], json, ref_s)
        return '            .Map(%d, "%s", ProtoType.%s)' % (f["num"], json, kind)
    if f["label"] == "repeated":
        if kind == "Message":
            return '            .Msgs(%d, "%s", "%s")' % (f["num"], json, ref_s)
        if kind in LIST:
            return '            .%s(%d, "%s")' % (LIST[kind], f["num"], json)
        return '            .List(%d, "%s", ProtoType.%s)' % (f["num"], json, kind)
    if go["inline"]:
        assert kind == "Message"
        return '            .Inline(%d, "%s")' % (f["num"], ref_s)
    keep = go["pointer"] or not go["omitempty"]
    if kind == "Message" or kind == "StringList":
        if kind == "StringList":
            return '            .Field(%d, "%s", ProtoType.StringList)' % (f["num"], json)
        return '            .Msg(%d, "%s", "%s")' % (f["num"], json, ref_s)
    if kind in ("Time", "MicroTime", "RawJson"):
        keep = False
    return '            .%s(%d, "%s"%s)' % (HELPER[kind], f["num"], json, ", Zero.Keep" if keep else "")

# Fields whose message lives in a package we do not decode (new alpha APIs) are skipped like unknown
# fields; a message left with no fields is dropped with the fields that point at it.
EMPTY = set()
changed = True
while changed:
    changed = False
    for n in need:
        if n not in EMPTY and n != "authorization.v1.ExtraValue" and all(
                resolve(f["type"], n.rsplit(".", 1)[0])[0] is None or resolve(f["type"], n.rsplit(".", 1)[0])[1] in EMPTY
                for f in protos[n]):
            EMPTY.add(n); changed = True
need = [n for n in need if n not in EMPTY]
print("dropped:", sorted(EMPTY), file=sys.stderr)

def closure(start):
    seen, todo = set(), [start]
    while todo:
        n = todo.pop()
        if n in seen or n not in protos or n in EMPTY:
            continue
        seen.add(n)
        for f in protos[n]:
            ref = resolve(f["type"], n.rsplit(".", 1)[0])[1]
            if ref:
                todo.append(ref)
    return seen

# core/v1 is too big for one file: volumes, then everything a Pod needs, then the rest.
containers = closure("core.v1.Container") | closure("core.v1.PodStatus") | closure("core.v1.PodSecurityContext")
volumes = (closure("core.v1.Volume") | closure("core.v1.PersistentVolumeClaim")) - containers - {"core.v1.ObjectReference"}
pods = closure("core.v1.Pod") - volumes
def bucket(n):
    pkg = n.rsplit(".", 1)[0]
    if pkg != "core.v1":
        return pkg
    return "core.v1.Volumes" if n in volumes else "core.v1.Pod" if n in pods else "core.v1"
by_pkg = collections.OrderedDict()
for n in need:
    by_pkg.setdefault(bucket(n), []).append(n)
CLASSES = {"core.v1": ("CoreV1Schema", "core/v1: namespaces, services, config, nodes, events and the other non-pod kinds"),
           "core.v1.Pod": ("CoreV1PodSchema", "core/v1: Pod, PodSpec, containers, probes, affinity and pod status"),
           "core.v1.Volumes": ("CoreV1VolumeSchema", "core/v1: volume sources and persistent volume claims"),
           "apps.v1": ("AppsV1Schema", "apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet, ControllerRevision"),
           "batch.v1": ("BatchV1Schema", "batch/v1: Job and CronJob"),
           "authorization.v1": ("AuthorizationV1Schema", "authorization.k8s.io/v1: access reviews (kubectl auth can-i)"),
           "policy.v1": ("PolicyV1Schema", "policy/v1: PodDisruptionBudget and Eviction"),
           "meta.v1": ("MetaV1Schema", "meta/v1: ObjectMeta, LabelSelector, DeleteOptions")}
SOURCES = os.environ.get("SOURCES", "kubernetes/api and kubernetes/apimachinery")
for pkg, names in by_pkg.items():
    cls, what = CLASSES[pkg]
    lines = []
    for n in sorted(names):
        if n == "authorization.v1.ExtraValue":
            continue
        lines.append('        s.Message("%s")' % n.rsplit(".", 1)[1])
        for f in protos[n]:
            line = emit_field(n, f)
            if line:
                lines.append(line)
        lines[-1] += ";"
    print(pkg, len(names), len(lines), file=sys.stderr)
    package = pkg if pkg.count(".") == 1 else pkg.rsplit(".", 1)[0]
    text = f"""namespace Axolotl.ApiServer.Protobuf.Schema;

// Generated by tests/Axolotl.ApiServer.Tests/Protobuf/Fixtures/gen_schema.py from {SOURCES}
// (generated.proto for numbers, types.go tags for JSON names and omitempty); regenerate, don't hand-edit.

/// <summary>Protobuf → JSON field tables for {what}.</summary>
internal static class {cls}
{{
    public static void Register(Func<string, PackageBuilder> package)
    {{
        var s = package("{package}");
""" + "\n".join(lines) + "\n    }\n}\n"
    open(os.path.join(OUT, cls + ".cs"), "w").write(text)

