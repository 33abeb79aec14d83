#!/usr/bin/env python3
"""What one write of the kernel service table costs (ADR 0030): the whole table against a readiness hint's change
(3 lines: a hairpin element and one pick chain) and a snapshot's change as StandbyTable.Changes writes it (a rollout
replacing one endpoint of one Service port, and a Service port added, then the reverse: 12-14 lines), each through an `nft -f` process and through libnftables in process
(what the proxy uses). A table shaped as the proxy writes it: 10 Service ports x 3 endpoints. Needs root and nft;
creates table `ip kbench_table_writes` in the current namespace and deletes it. Prints percentiles in ms and the load."""
import ctypes, os, statistics, subprocess, sys, tempfile, time

T = "kbench_table_writes"
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def whole_table():
    elements, chains, hairpins = [], [], set()
    for i in range(10):
        endpoints = [f"10.244.0.{10 + 3 * i + j}" for j in range(3)]
        hairpins.update(endpoints)
        elements.append(f"10.96.0.{i + 10} . 80 : jump ep_{i}")
        pick = ", ".join(f"{k} : {e} . 8080" for k, e in enumerate(endpoints))
        chains.append(f"  chain ep_{i} {{\n    ip saddr != 10.244.0.0/16 ct mark set ct mark or 0x00100000\n"
                      f"    fib saddr type local ct mark set ct mark or 0x00100000\n    counter\n    goto pick_{i}\n  }}\n"
                      f"  chain pick_{i} {{\n    meta l4proto tcp dnat ip to numgen random mod 3 map {{ {pick} }}\n  }}\n")
    pairs = ", ".join(f"{h} . {h}" for h in sorted(hairpins))
    return (f"add table ip {T}\ndelete table ip {T}\ntable ip {T} {{\n"
            f"  map frontends {{\n    type ipv4_addr . inet_service : verdict\n    elements = {{ {', '.join(elements)} }}\n  }}\n"
            f"  chain prerouting {{\n    type nat hook prerouting priority dstnat - 5; policy accept;\n    ip daddr . tcp dport vmap @frontends\n  }}\n"
            f"  map local_frontends {{\n    type ipv4_addr . inet_service : verdict\n    elements = {{ {', '.join(elements)} }}\n  }}\n"
            f"  chain output {{\n    type nat hook output priority -105; policy accept;\n    ip daddr . tcp dport vmap @local_frontends\n  }}\n"
            f"  set hairpin {{\n    type ipv4_addr . ipv4_addr\n    elements = {{ {pairs} }}\n  }}\n"
            f"  chain postrouting {{\n    type nat hook postrouting priority srcnat - 5; policy accept;\n"
            f"    ct mark and 0x00100000 == 0x00100000 masquerade fully-random\n"
            f"    ct status dnat ip saddr . ip daddr @hairpin masquerade fully-random\n  }}\n" + "".join(chains) + "}\n")


HINT = (f"delete element ip {T} hairpin {{ 10.244.0.12 . 10.244.0.12 }}\nflush chain ip {T} pick_0\n"
        f"add rule ip {T} pick_0 meta l4proto tcp dnat ip to numgen random mod 2 map {{ 0 : 10.244.0.10 . 8080, 1 : 10.244.0.11 . 8080 }}\n")
BACK = (f"flush chain ip {T} pick_0\nadd rule ip {T} pick_0 meta l4proto tcp dnat ip to numgen random mod 3 map "
        f"{{ 0 : 10.244.0.10 . 8080, 1 : 10.244.0.11 . 8080, 2 : 10.244.0.12 . 8080 }}\nadd element ip {T} hairpin {{ 10.244.0.12 . 10.244.0.12 }}\n")


# A snapshot's change: Service 0's 10.244.0.12 replaced by 10.244.0.200, and a Service port (chains 10) added; then back.
ROLL = (f"delete element ip {T} hairpin {{ 10.244.0.12 . 10.244.0.12 }}\nflush chain ip {T} pick_0\n"
        f"add chain ip {T} ep_10\nadd chain ip {T} pick_10\n"
        f"add rule ip {T} ep_10 ip saddr != 10.244.0.0/16 ct mark set ct mark or 0x00100000\n"
        f"add rule ip {T} ep_10 fib saddr type local ct mark set ct mark or 0x00100000\nadd rule ip {T} ep_10 counter\n"
        f"add rule ip {T} ep_10 goto pick_10\n"
        f"add rule ip {T} pick_0 meta l4proto tcp dnat ip to numgen random mod 3 map "
        f"{{ 0 : 10.244.0.10 . 8080, 1 : 10.244.0.11 . 8080, 2 : 10.244.0.200 . 8080 }}\n"
        f"add rule ip {T} pick_10 meta l4proto tcp dnat ip to numgen random mod 1 map {{ 0 : 10.244.0.201 . 8080 }}\n"
        f"add element ip {T} frontends {{ 10.96.0.99 . 80 : jump ep_10 }}\nadd element ip {T} local_frontends {{ 10.96.0.99 . 80 : jump ep_10 }}\n"
        f"add element ip {T} hairpin {{ 10.244.0.200 . 10.244.0.200, 10.244.0.201 . 10.244.0.201 }}\n")
UNROLL = (f"delete element ip {T} frontends {{ 10.96.0.99 . 80 }}\ndelete element ip {T} local_frontends {{ 10.96.0.99 . 80 }}\n"
          f"delete element ip {T} hairpin {{ 10.244.0.200 . 10.244.0.200, 10.244.0.201 . 10.244.0.201 }}\n"
          f"flush chain ip {T} ep_10\nflush chain ip {T} pick_10\nflush chain ip {T} pick_0\n"
          f"delete chain ip {T} ep_10\ndelete chain ip {T} pick_10\n"
          f"add rule ip {T} pick_0 meta l4proto tcp dnat ip to numgen random mod 3 map "
          f"{{ 0 : 10.244.0.10 . 8080, 1 : 10.244.0.11 . 8080, 2 : 10.244.0.12 . 8080 }}\n"
          f"add element ip {T} hairpin {{ 10.244.0.12 . 10.244.0.12 }}\n")


def timed(run, scripts):
    samples = []
    for _ in range(ROUNDS):
        for script in scripts:
            start = time.perf_counter()
            run(script)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return f"n={len(samples)} p50={statistics.median(samples):.2f} p90={samples[int(len(samples) * 0.9) - 1]:.2f} max={samples[-1]:.2f} ms"


def nft_process(script):
    with tempfile.NamedTemporaryFile("w", suffix=".nft") as f:
        f.write(script)
        f.flush()
        result = subprocess.run(["nft", "-f", f.name], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)


lib = ctypes.CDLL("libnftables.so.1")
lib.nft_ctx_new.restype = ctypes.c_void_p
lib.nft_ctx_new.argtypes = [ctypes.c_uint32]
lib.nft_ctx_buffer_error.argtypes = [ctypes.c_void_p]
lib.nft_ctx_get_error_buffer.argtypes = [ctypes.c_void_p]
lib.nft_ctx_get_error_buffer.restype = ctypes.c_char_p
lib.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
ctx = lib.nft_ctx_new(0)
lib.nft_ctx_buffer_error(ctx)


def nft_library(script):
    if lib.nft_run_cmd_from_buffer(ctx, script.encode()) != 0:
        sys.exit(lib.nft_ctx_get_error_buffer(ctx).decode())


whole = whole_table()
try:
    nft_process(whole)
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    print("nft -f, whole table:        ", timed(nft_process, [whole]))
    print("nft -f, hint change:        ", timed(nft_process, [HINT, BACK]))
    print("libnftables, whole table:   ", timed(nft_library, [whole]))
    print("libnftables, hint change:   ", timed(nft_library, [HINT, BACK]))
    print("nft -f, snapshot change:    ", timed(nft_process, [ROLL, UNROLL]))
    print("libnftables, snapshot change:", timed(nft_library, [ROLL, UNROLL]))
    print("nft -f /dev/null (start-up):", timed(lambda _: subprocess.run(["nft", "-f", "/dev/null"], check=True), [""]))
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
finally:
    subprocess.run(["nft", "delete", "table", "ip", T], capture_output=True)
