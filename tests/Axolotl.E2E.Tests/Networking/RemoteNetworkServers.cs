namespace Axolotl.E2E.Tests.Networking;

/// <summary>
/// The programs of the test's "internet" (python3 from the machine, run inside its network namespace)
/// and the pods' probes (python3 of the pod image).
/// </summary>
internal static class RemoteNetworkServers
{
    /// <summary>
    /// argv: HOST_IP DNS_IP PORT. On HOST_IP:PORT a TCP server that says "peer=ADDRESS" (whom it sees)
    /// and keeps the connection until the client closes it. On DNS_IP:53 (UDP and TCP) a resolver:
    /// egress.remote.test A HOST_IP (other types: no data); refused.remote.test REFUSED; silent.remote.test no answer;
    /// big.remote.test 40 TXT strings of 200 bytes (over UDP only the TC bit); anything else NXDOMAIN.
    /// </summary>
    public const string Internet = """
        import socket, socketserver, struct, sys, threading
        host_ip, dns_ip, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

        class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 256

        class Peer(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.sendall(("peer=%s\n" % self.client_address[0]).encode())
                try:
                    while self.request.recv(1024):
                        pass
                except OSError:
                    pass

        def answer(q, udp):
            i, labels = 12, []
            while q[i]:
                labels.append(q[i + 1:i + 1 + q[i]].decode().lower())
                i += 1 + q[i]
            name, question, qtype = ".".join(labels), q[12:i + 5], struct.unpack(">H", q[i + 1:i + 3])[0]
            rr = lambda t, data: b"\xc0\x0c" + struct.pack(">HHIH", t, 1, 60, len(data)) + data
            records, code = [], 0
            if name == "egress.remote.test":
                records = [rr(1, socket.inet_aton(host_ip))] if qtype == 1 else []
            elif name == "refused.remote.test":
                code = 5
            elif name == "silent.remote.test":
                return None
            elif name == "big.remote.test":
                records = [rr(16, bytes([200]) + bytes([97 + n % 26]) * 200) for n in range(40)]
            else:
                code = 3
            flags, body = 0x8180 | code, b"".join(records)
            if udp and 12 + len(question) + len(body) > 512:
                return q[:2] + struct.pack(">HHHHH", flags | 0x200, 1, 0, 0, 0) + question
            return q[:2] + struct.pack(">HHHHH", flags, 1, len(records), 0, 0) + question + body

        def serve_udp(s):
            while True:
                q, addr = s.recvfrom(4096)
                a = answer(q, True)
                if a:
                    s.sendto(a, addr)

        class Dns(socketserver.BaseRequestHandler):
            def handle(self):
                data = b""
                while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
                    chunk = self.request.recv(65535)
                    if not chunk:
                        return
                    data += chunk
                a = answer(data[2:], False)
                if a:
                    self.request.sendall(struct.pack(">H", len(a)) + a)

        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((dns_ip, 53))
        threading.Thread(target=serve_udp, args=(udp,), daemon=True).start()
        dns_tcp = Threaded((dns_ip, 53), Dns)
        threading.Thread(target=dns_tcp.serve_forever, daemon=True).start()
        peer = Threaded((host_ip, port), Peer)
        print("ready", flush=True)
        peer.serve_forever()
        """;

    /// <summary>argv: HOST PORT. Connects and prints the server's line ("peer=…").</summary>
    public const string Connect = """
        import socket, sys
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
        print(s.makefile().readline().strip())
        """;

    /// <summary>
    /// argv: NAME QTYPE udp|tcp. One query to the pod's first nameserver; prints "rcode=N tc=N answers=N".
    /// The socket's 15 s timeout is a hang guard: the answer must come before it.
    /// </summary>
    public const string Query = """
        import socket, struct, sys
        ns = [l.split()[1] for l in open("/etc/resolv.conf") if l.startswith("nameserver")][0]
        name, qtype, transport = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        q = struct.pack(">HHHHHH", 0x1234, 0x100, 1, 0, 0, 0) + b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", qtype, 1)
        if transport == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(15)
            s.sendto(q, (ns, 53))
            r = s.recv(65535)
        else:
            s = socket.create_connection((ns, 53), timeout=15)
            s.sendall(struct.pack(">H", len(q)) + q)
            r = b""
            while len(r) < 2 or len(r) < 2 + struct.unpack(">H", r[:2])[0]:
                c = s.recv(65535)
                if not c:
                    break
                r += c
            r = r[2:]
        flags, answers = struct.unpack(">H", r[2:4])[0], struct.unpack(">H", r[6:8])[0]
        print("rcode=%d tc=%d answers=%d" % (flags & 15, (flags >> 9) & 1, answers))
        """;

    /// <summary>argv: HOST PORT COUNT. Opens COUNT connections and keeps them; prints "ok=N failed=M" once, then holds them.</summary>
    public const string Hold = """
        import socket, sys, time
        held, failed = [], 0
        for _ in range(int(sys.argv[3])):
            try:
                held.append(socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10))
            except OSError:
                failed += 1
        print("ok=%d failed=%d" % (len(held), failed), flush=True)
        time.sleep(100000)
        """;
}
