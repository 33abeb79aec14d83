#!/usr/bin/env python3
"""Stages of the write path from `perf script` of a WritePath run (DOTNET_PerfMapEnabled=1): each sample goes to the
request it served (the handler on its stack) and to the innermost stage frame on its stack, so runtime helpers, GC
and allocation count with the code that called them. Prints the share of each stage per request kind; with the CPU µs
per request of each kind (from WritePath's table) as KIND=US arguments, also µs per request.
  perf script -i perf.data | bench/write-path/stages.py [post=1887 binding=369 status=1590]"""
import re, sys
from collections import Counter, defaultdict

KINDS = [  # outermost handler frame → request kind
    ("post", r"CreateHandler::CreateAsync|CreateHandler\+<CreateAsync>"),
    ("binding", r"PodSubresources\+<BindAsync>|PodSubresources::BindAsync"),
    ("status", r"UpdateHandler\+<UpdateAsync>|UpdateHandler::UpdateAsync"),
    ("get (bench set-up, not measured)", r"ReadHandler"),
    ("watch cache", r"Axolotl\.ApiServer\.Watch\."),
    ("sqlite writer (outside requests)", r"Axolotl\.Storage\."),
    ("bench client", r"Axolotl\.Bench\.|\bBench::|Caller::|Caller\+|Program"),
]
STAGES = [  # innermost match wins: specific first in the walk from the leaf
    ("response encode", r"ResponseWriter::"),
    ("body parse (bytes → JsonNode)", r"BodyReader::"),
    ("decode JsonNode → typed", r"AdmissionChain::Decode|AdmissionChain::DecodeQuietly|KubeJson::FromNode|GoNulls::|UnknownFields::"),
    ("defaulting", r"ObjectDefaulter::|AdmissionChain::ApplyDefaults"),
    ("managed fields", r"FieldManagement\.|ManagedFields|FieldSet"),
    ("validation", r"Validation\.|ObjectValidator|AdmissionChain::Check"),
    ("encode typed → JsonNode", r"AdmissionChain::Validate|DefaultedObject::Encode|KubeJson::ToNode"),
    ("validating plugins (PodSecurity), quota", r"PodSecurity|AdmissionChain::ValidateAsync|AdmissionChain\+<ValidateAsync>|Quota\.|AdmitWriteAsync"),
    ("mutating plugins (Priority, ServiceAccount, tolerations)", r"AdmitAsync|AdmitReplacingAsync|PriorityAdmission|ServiceAccountAdmission|DefaultTolerationSeconds|LimitRange"),
    ("store encode (JsonNode → bytes)", r"ObjectStore::Encode"),
    ("store decode (bytes → JsonNode)", r"ObjectStore::Decode|StoredObject"),
    ("SQLite", r"Sqlite|sqlite|Axolotl\.Storage\."),
    ("views, deep copies, compare", r"ObjectViews|DeepClone|DeepEquals|MergeForSubresource|ObjectMetaRules"),
    ("authn, authz", r"Authentication|Authorizer|Rbac|NodeGraph|ClientCertificate"),
    ("flow control", r"FlowControl"),
    ("handler's own code (read-modify-write loop, metadata rules, awaits)", r"Rest\.CreateHandler|Rest\.UpdateHandler|Rest\.PodSubresources"),
    ("route", r"ApiRouter|ResourceHandler|RequestInfo|RequestPath|RequestScope"),
    ("metrics", r"ApiServerMetrics"),
]

samples = []
cur = None
for line in sys.stdin:
    if not line.strip():
        if cur is not None:
            samples.append(cur)
        cur = None
        continue
    if not line.startswith((" ", "\t")):
        cur = {"thread": line.split("  ")[0].strip(), "frames": []}
        continue
    if cur is not None:
        cur["frames"].append(line.strip())
if cur is not None:
    samples.append(cur)

kinds = defaultdict(Counter)
totals = Counter()
for s in samples:
    frames = s["frames"]
    text = "\n".join(frames)
    if "libclrjit" in text or s["thread"].startswith(".NET Tiered"):
        kind = "JIT"
    else:
        kind = "other (runtime, timers, kernel)"
        for name, pattern in KINDS:
            if re.search(pattern, text):
                kind = name
                break
    stage = "handler itself (awaits, allocation of its own)"
    for frame in frames:
        hit = next((n for n, p in STAGES if re.search(p, frame)), None)
        if hit:
            stage = hit
            break
    kinds[kind][stage] += 1
    totals[kind] += 1

micros = {k: float(v) for k, v in (a.split("=") for a in sys.argv[1:])}
all_samples = sum(totals.values())
for kind, count in totals.most_common():
    print(f"\n### {kind}: {count} samples, {100 * count / all_samples:.1f} % of all")
    us = micros.get(kind)
    print("| stage | share | µs per request |" if us else "| stage | share |")
    print("|---|---:|---:|" if us else "|---|---:|")
    for stage, n in kinds[kind].most_common():
        share = n / count
        print(f"| {stage} | {100 * share:.1f} % | {share * us:.0f} |" if us else f"| {stage} | {100 * share:.1f} % |")
