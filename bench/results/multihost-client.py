import socket, sys, time, statistics
target, port, sinkport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lat = []
for i in range(300):
    t = time.perf_counter()
    s = socket.create_connection((target, port), timeout=5)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    while s.recv(65536): pass
    s.close()
    lat.append((time.perf_counter() - t) * 1e6)
lat.sort()
s = socket.create_connection((target, sinkport), timeout=5)
buf = b"x" * 65536
n = 256 * 1024 * 1024 // len(buf)
t = time.perf_counter()
for _ in range(n): s.sendall(buf)
s.shutdown(socket.SHUT_WR)
s.recv(1)
dt = time.perf_counter() - t
s.close()
print(f"median_us={statistics.median(lat):.0f} p99_us={lat[int(len(lat)*0.99)-1]:.0f} MiBps={256/dt:.0f}")
