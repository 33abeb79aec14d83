using System.Net;
using System.Net.Sockets;
using Axolotl.ApiServer.Hosting;
using Axolotl.Client;
using Axolotl.Storage;
using Axolotl.Storage.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Testing;

/// <summary>
/// The real API server on a free loopback port over an in-memory store, with an admin client:
/// integration tests drive it over real HTTPS exactly as controllers and kubectl do.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private InProcessCluster(ApiServerHost host, IStore store, KubeClient client, string dataDir)
    {
        Host = host;
        Store = store;
        Client = client;
        DataDir = dataDir;
    }

    public ApiServerHost Host { get; }
    public IStore Store { get; }
    public KubeClient Client { get; }
    public string DataDir { get; }

    public static Task<InProcessCluster> StartAsync(CancellationToken ct = default) => StartAsync(options => options, ct);

    /// <param name="configure">Changes the test defaults (return a changed copy: <c>o =&gt; o with { … }</c>).</param>
    public static async Task<InProcessCluster> StartAsync(Func<ApiServerOptions, ApiServerOptions> configure, CancellationToken ct = default)
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-it-").FullName;
        var store = new InMemoryStore();
        var options = new ApiServerOptions { DataDir = dataDir, Port = FreePort(), BindAddress = IPAddress.Loopback, ServiceAccountAdmission = false, KubernetesService = false };
        var host = await ApiServerHost.StartAsync(
            configure(options),
            store, TimeProvider.System, NullLoggerFactory.Instance, ct);
        var client = KubeClient.Create(host.LoopbackUrl, host.Tokens.AdminToken, host.Pki.CaPem);
        return new InProcessCluster(host, store, client, dataDir);
    }

    /// <summary>A raw HTTPS client with the admin token, for tests of the wire format itself.</summary>
    public HttpClient CreateHttpClient(string? token = null)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        var http = new HttpClient(handler) { BaseAddress = Host.LoopbackUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token ?? Host.Tokens.AdminToken);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.StopAsync(CancellationToken.None);
        await Host.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
