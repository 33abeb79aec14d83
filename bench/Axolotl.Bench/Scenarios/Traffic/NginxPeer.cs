using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// Debian's nginx as the Ingress peer: a reverse proxy on a loopback port to the pod IPs, configured as
/// ingress-nginx configures its upstreams (HTTP/1.1 to the backends with a keepalive pool, no access log,
/// one worker per core). Its own folder for config, pid, logs and temp files; stopped by its PID.
/// </summary>
internal sealed class NginxPeer : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly string _directory;

    private NginxPeer(Process process, string directory, IPEndPoint endpoint)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
    }

    public IPEndPoint Endpoint { get; }

    public static bool Installed => File.Exists(Binary);

    public static async Task<NginxPeer> StartAsync(IReadOnlyList<IPEndPoint> backends, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("axolotl-bench-nginx-").FullName;
        var port = NodeServer.FreePort();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(directory, port, backends), ct);
        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", directory, "-c", config, "-g", "daemon off;" })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var peer = new NginxPeer(process, directory, new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            await peer.WaitListeningAsync(ct);
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    private static string Config(string directory, int port, IReadOnlyList<IPEndPoint> backends)
    {
        var servers = new StringBuilder();
        foreach (var backend in backends)
        {
            servers.Append(CultureInfo.InvariantCulture, $"    server {backend};\n");
        }
        return $$"""
            user root;
            worker_processes auto;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              upstream pods {
            {{servers}}    keepalive 320;
              }
              server {
                listen 127.0.0.1:{{port}} reuseport backlog=4096;
                location / {
                  proxy_pass http://pods;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_next_upstream error timeout;
                }
              }
            }

            """;
    }

    private async Task WaitListeningAsync(CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync(ct)}");
            }
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(Endpoint, ct);
                return;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50, ct);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
