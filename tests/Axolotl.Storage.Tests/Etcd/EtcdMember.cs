using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Axolotl.Testing.Etcd;

/// <summary>
/// A single-member etcd cluster for tests: Debian's etcd-server binary on free loopback ports with a data
/// directory of its own. Killed by PID and its directory removed on dispose, whatever the test did.
/// A missing binary fails the test (with how to install it), it never skips. Linked into the storage
/// and end-to-end test projects.
/// </summary>
public sealed class EtcdMember : IAsyncDisposable
{
    public const string Binary = "/usr/bin/etcd";

    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private readonly int _peerPort;
    private readonly string _name;
    private string _initialCluster;
    private string _clusterToken = "axl-test";
    private bool _alone = true;
    private EtcdTlsFiles? _tls;
    private Process? _process;

    private EtcdMember(string directory, int clientPort, int peerPort, string name)
    {
        _directory = directory;
        ClientPort = clientPort;
        _peerPort = peerPort;
        _name = name;
        _initialCluster = $"{name}=http://127.0.0.1:{peerPort}";
    }

    public int ClientPort { get; }

    public Uri ClientUrl => new($"{(_tls is null ? "http" : "https")}://127.0.0.1:{ClientPort}");

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>What etcd printed so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a new member and waits until it answers a read.</summary>
    public static async Task<EtcdMember> StartAsync(CancellationToken ct) => (await StartClusterAsync(1, ct))[0];

    /// <summary>
    /// Starts a member that serves its clients over TLS with <paramref name="tls"/>'s serving certificate and
    /// accepts only clients presenting a certificate of its CA (--client-cert-auth).
    /// </summary>
    public static async Task<EtcdMember> StartTlsAsync(EtcdTlsFiles tls, CancellationToken ct) => (await StartClusterAsync(1, ct, tls))[0];

    /// <summary>
    /// Starts <paramref name="size"/> members that form one cluster, and waits until each answers a read. A free
    /// port can be taken by another test between its pick and etcd's bind: then the cluster starts again on new ones.
    /// </summary>
    public static async Task<IReadOnlyList<EtcdMember>> StartClusterAsync(int size, CancellationToken ct, EtcdTlsFiles? tls = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                $"{Binary} is missing: these tests need a real etcd. Install Debian's etcd-server (apt-get install -y etcd-server), as .ci/run does.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartClusterOnFreePortsAsync(size, tls, ct);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    private static async Task<IReadOnlyList<EtcdMember>> StartClusterOnFreePortsAsync(int size, EtcdTlsFiles? tls, CancellationToken ct)
    {
        var members = new List<EtcdMember>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                members.Add(new EtcdMember(Directory.CreateTempSubdirectory("axl-etcd-").FullName, FreePort(), FreePort(), $"m{i}") { _tls = tls });
            }

            var cluster = string.Join(',', members.Select(m => m._initialCluster));
            foreach (var member in members)
            {
                member._initialCluster = cluster;
                member._clusterToken = $"axl-{members[0]._peerPort}";
                member._alone = size == 1;
                member.Launch();
            }

            foreach (var member in members)
            {
                await member.WaitReadyAsync(ct);
            }

            return members;
        }
        catch
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>SIGKILLs the member (its data stays), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the member again on the same ports and data.</summary>
    public Task RestartAsync(CancellationToken ct)
    {
        Launch();
        return WaitReadyAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private void Launch()
    {
        var peer = $"http://127.0.0.1:{_peerPort}";
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--name", _name, "--data-dir", Path.Combine(_directory, "data"),
            "--listen-client-urls", ClientUrl.ToString().TrimEnd('/'), "--advertise-client-urls", ClientUrl.ToString().TrimEnd('/'),
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", _initialCluster, "--initial-cluster-token", _clusterToken,
        })
        {
            psi.ArgumentList.Add(arg);
        }

        if (_tls is { } tls)
        {
            foreach (var arg in new[] { "--cert-file", tls.ServerCertFile, "--key-file", tls.ServerKeyFile, "--client-cert-auth", "--trusted-ca-file", tls.CaFile })
            {
                psi.ArgumentList.Add(arg);
            }
        }

        if (_alone)
        {
            // A lone member elects itself after one election timeout: keep start-up short. Members of a real
            // cluster keep etcd's defaults (100 ms / 1 s), which a busy machine does not mistake for failures.
            foreach (var arg in new[] { "--heartbeat-interval", "20", "--election-timeout", "200" })
            {
                psi.ArgumentList.Add(arg);
            }
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Binary}");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var process = _process!;
        using var http = new HttpClient(ReadinessHandler()) { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (process.HasExited)
            {
                // The exit can be seen before the output readers delivered its last lines (a CI run got an empty log,
                // so an "address already in use" went unrecognised and unretried): let them reach the end first.
                process.WaitForExit();
                throw new InvalidOperationException($"etcd exited with {process.ExitCode} while starting:\n{Log}");
            }

            try
            {
                using var response = await http.PostAsync(new Uri(ClientUrl, "/v3/kv/range"), new StringContent("{\"key\":\"AA==\"}"), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new TimeoutException($"etcd did not answer within 60 s:\n{Log}");
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>For the readiness check: over TLS, the client certificate, and the test CA trusted (and only it).</summary>
    private SocketsHttpHandler ReadinessHandler()
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        if (_tls is { } tls)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaFile);
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.ClientCertFile, tls.ClientKeyFile)];
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return chain.Build(leaf);
            };
        }

        return handler;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            // Enough to explain a failure; a long-lived member must not grow without bound.
            if (_log.Length < 64 * 1024)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
