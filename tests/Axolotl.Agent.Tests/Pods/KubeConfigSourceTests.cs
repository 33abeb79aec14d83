using Axolotl.Agent.Pods;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Pods;

/// <summary>ConfigMaps and Secrets for containers restarted while the API server cannot be reached.</summary>
public sealed class KubeConfigSourceTests : IDisposable
{
    private const string ConfigMapPath = "/api/v1/namespaces/ns/configmaps/settings";
    private const string SecretPath = "/api/v1/namespaces/ns/secrets/password";

    private readonly FakeHttpHandler _http = new();
    private readonly KubeClient _client;
    private readonly KubeConfigSource _source;

    public KubeConfigSourceTests()
    {
        _client = KubeClient.Create(new Uri("https://api.test:6443"), _http, bearerToken: "t");
        _source = new KubeConfigSource(_client);
    }

    private static HttpResponseMessage Refused() => throw new HttpRequestException("Connection refused (api.test:6443)");

    [Fact]
    public async Task With_the_server_gone_the_last_answer_for_each_object_is_used()
    {
        _http.Enqueue(HttpMethod.Get, ConfigMapPath, FakeHttpHandler.Json(new ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new() { Name = "settings", Namespace = "ns" },
            Data = new Dictionary<string, string> { ["mode"] = "fast" },
        }));
        _http.Enqueue(HttpMethod.Get, SecretPath, FakeHttpHandler.Json(new Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new() { Name = "password", Namespace = "ns" },
            StringData = new Dictionary<string, string> { ["p"] = "hunter2" },
        }));
        Assert.Equal("fast", (await _source.GetConfigMapAsync("ns", "settings", CancellationToken.None))!.Data!["mode"]);
        Assert.NotNull(await _source.GetSecretAsync("ns", "password", CancellationToken.None));

        _http.Always(HttpMethod.Get, ConfigMapPath, _ => Refused());
        _http.Always(HttpMethod.Get, SecretPath, _ => FakeHttpHandler.Status(503, "ServiceUnavailable", "the server is shutting down"));

        Assert.Equal("fast", (await _source.GetConfigMapAsync("ns", "settings", CancellationToken.None))!.Data!["mode"]);
        Assert.Equal("hunter2", (await _source.GetSecretAsync("ns", "password", CancellationToken.None))!.StringData!["p"]);
    }

    [Fact]
    public async Task An_object_never_read_still_fails_and_a_refusal_replaces_what_was_remembered()
    {
        _http.Always(HttpMethod.Get, SecretPath, _ => Refused());
        await Assert.ThrowsAsync<HttpRequestException>(() => _source.GetSecretAsync("ns", "password", CancellationToken.None));

        _http.Enqueue(HttpMethod.Get, ConfigMapPath, FakeHttpHandler.Json(new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new() { Name = "settings", Namespace = "ns" } }));
        _http.Enqueue(HttpMethod.Get, ConfigMapPath, FakeHttpHandler.Status(404, "NotFound", "configmaps \"settings\" not found"));
        _http.Always(HttpMethod.Get, ConfigMapPath, _ => Refused());
        Assert.NotNull(await _source.GetConfigMapAsync("ns", "settings", CancellationToken.None));
        Assert.Null(await _source.GetConfigMapAsync("ns", "settings", CancellationToken.None));
        // Deleted before the server went away: still deleted.
        Assert.Null(await _source.GetConfigMapAsync("ns", "settings", CancellationToken.None));
    }

    [Fact]
    public async Task A_forbidden_read_is_not_answered_from_memory()
    {
        _http.Enqueue(HttpMethod.Get, SecretPath, FakeHttpHandler.Json(new Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new() { Name = "password", Namespace = "ns" } }));
        _http.Always(HttpMethod.Get, SecretPath, _ => FakeHttpHandler.Status(403, "Forbidden", "secrets \"password\" is forbidden"));
        Assert.NotNull(await _source.GetSecretAsync("ns", "password", CancellationToken.None));

        var refused = await Assert.ThrowsAsync<KubeApiException>(() => _source.GetSecretAsync("ns", "password", CancellationToken.None));
        Assert.Equal(403, refused.Code);
    }

    public void Dispose() => _client.Dispose();
}
