using System.Net;

namespace Axolotl.Client.Tests;

public class ServerFailoverHandlerTests
{
    /// <summary>Servers by authority: down ones refuse the connection, up ones answer 200 (or the status given).</summary>
    private sealed class Servers : HttpMessageHandler
    {
        public HashSet<string> Down { get; } = [];

        public Dictionary<string, HttpStatusCode> Answers { get; } = [];

        public List<Uri> Tried { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Tried.Add(request.RequestUri!);
            if (Down.Contains(request.RequestUri!.Authority))
            {
                throw new HttpRequestException("Connection refused (127.0.0.2:6443)", new IOException("refused"), null);
            }
            return Task.FromResult(new HttpResponseMessage(Answers.GetValueOrDefault(request.RequestUri.Authority, HttpStatusCode.OK))
            {
                Content = new StringContent("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}", System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }

    private static readonly Uri A = new("https://127.0.0.2:6443");
    private static readonly Uri B = new("https://127.0.0.3:6443");

    [Fact]
    public async Task An_unreachable_server_sends_the_same_request_to_the_next_which_then_stays_current()
    {
        var servers = new Servers();
        servers.Down.Add("127.0.0.2:6443");
        using var http = new HttpMessageInvoker(new ServerFailoverHandler([A, B], servers));

        using var first = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "https://127.0.0.2:6443/api/v1/namespaces/default/configmaps?fieldManager=x"), CancellationToken.None);
        using var second = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.2:6443/api/v1/pods?watch=1&resourceVersion=42"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(
            ["https://127.0.0.2:6443/api/v1/namespaces/default/configmaps?fieldManager=x", "https://127.0.0.3:6443/api/v1/namespaces/default/configmaps?fieldManager=x",
             "https://127.0.0.3:6443/api/v1/pods?watch=1&resourceVersion=42"],
            servers.Tried.Select(u => u.ToString()));
    }

    [Fact]
    public async Task An_http_answer_is_the_servers_verdict_and_is_not_retried_elsewhere()
    {
        var servers = new Servers();
        servers.Answers["127.0.0.2:6443"] = HttpStatusCode.ServiceUnavailable;
        using var http = new HttpMessageInvoker(new ServerFailoverHandler([A, B], servers));

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.2:6443/api/v1/pods"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(servers.Tried);
    }

    [Fact]
    public async Task When_every_server_is_unreachable_the_last_failure_is_the_callers()
    {
        var servers = new Servers();
        servers.Down.UnionWith(["127.0.0.2:6443", "127.0.0.3:6443"]);
        using var http = new HttpMessageInvoker(new ServerFailoverHandler([A, B], servers));

        await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.2:6443/api"), CancellationToken.None));

        Assert.Equal(2, servers.Tried.Count);
    }

    [Fact]
    public async Task A_client_with_failover_servers_reaches_the_live_one()
    {
        var servers = new Servers();
        servers.Down.Add("127.0.0.2:6443");
        using var client = new KubeClient(new KubeClientOptions { Server = A, FailoverServers = [B], Handler = servers });

        var ns = await client.GetAsync<Axolotl.Api.Core.Namespace>(null, "default", CancellationToken.None);

        Assert.Equal("default", ns.Metadata.Name);
        Assert.Equal("127.0.0.3:6443", servers.Tried[^1].Authority);
    }
}
