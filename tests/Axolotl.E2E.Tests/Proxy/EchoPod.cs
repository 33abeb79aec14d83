namespace Axolotl.E2E.Tests.Proxy;

/// <summary>
/// A pod (python:3.11-slim) that answers every request with what it received, as JSON (method, path
/// with query, body, headers), serves an HTML page with links at /page, a redirect at /redirect, and
/// echoes one WebSocket message at /ws (with the Authorization header it saw, which must be none).
/// </summary>
internal static class EchoPod
{
    private const string Server = """
        import base64, hashlib, http.server, json, struct
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            def log_message(self, *args):
                pass
            def reply(self, code, body, ctype, extra=()):
                self.send_response(code)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Length', str(len(body)))
                for k, v in extra:
                    self.send_header(k, v)
                self.end_headers()
                if self.command != 'HEAD':
                    self.wfile.write(body)
            def ws(self):
                key = self.headers['Sec-WebSocket-Key']
                accept = base64.b64encode(hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()).decode()
                self.send_response(101)
                self.send_header('Upgrade', 'websocket')
                self.send_header('Connection', 'Upgrade')
                self.send_header('Sec-WebSocket-Accept', accept)
                proto = self.headers.get('Sec-WebSocket-Protocol')
                if proto:
                    self.send_header('Sec-WebSocket-Protocol', proto.split(',')[0].strip())
                self.end_headers()
                self.wfile.flush()
                head = self.rfile.read(2)
                n = head[1] & 0x7f
                if n == 126:
                    n = struct.unpack('>H', self.rfile.read(2))[0]
                mask = self.rfile.read(4)
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(n)))
                out = b'echo:' + data + b' auth=' + str(self.headers.get('Authorization')).encode()
                self.wfile.write(bytes([0x81, len(out)]) + out + bytes([0x88, 0]))
                self.wfile.flush()
                self.close_connection = True
            def answer(self):
                if self.headers.get('Upgrade', '').lower() == 'websocket':
                    return self.ws()
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n).decode() if n else ''
                if self.path.startswith('/redirect'):
                    return self.reply(302, b'', 'text/plain', [('Location', '/target?from=redirect')])
                if self.path.startswith('/page'):
                    page = b'<html><head><link href="/style.css" rel="stylesheet"></head><body><a href="/target">t</a> <a href="rel">r</a></body></html>'
                    return self.reply(200, page, 'text/html; charset=utf-8')
                seen = {'method': self.command, 'path': self.path, 'body': body, 'headers': {k.lower(): v for k, v in self.headers.items()}}
                self.reply(200, json.dumps(seen).encode(), 'application/json', [('Access-Control-Allow-Origin', '*')])
            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer
        http.server.ThreadingHTTPServer(('', 8080), H).serve_forever()
        """;

    public static string Manifest(string ns) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: echo
          namespace: {{ns}}
          labels:
            app: echo
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: echo
            image: python:3.11-slim
            command: ["python3", "-c", {{System.Text.Json.JsonSerializer.Serialize(Server)}}]
            ports:
            - containerPort: 8080
            readinessProbe:
              tcpSocket:
                port: 8080
              periodSeconds: 1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: echo
          namespace: {{ns}}
        spec:
          selector:
            app: echo
          ports:
          - port: 80
            targetPort: 8080
        """ + "\n";
}
