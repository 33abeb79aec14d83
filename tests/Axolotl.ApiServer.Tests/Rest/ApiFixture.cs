using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>One in-process API server (in-memory store) shared by the REST tests of a class.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public InProcessCluster Cluster { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await InProcessCluster.StartAsync();
        Http = Cluster.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Cluster.DisposeAsync();
    }

    public async Task<(int Code, JsonObject Body)> SendAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["raw"] = text };
        return ((int)response.StatusCode, body);
    }

    public Task<(int Code, JsonObject Body)> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<(int Code, JsonObject Body)> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<(int Code, JsonObject Body)> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public Task<(int Code, JsonObject Body)> PatchAsync(string path, string json, string type) => SendAsync(HttpMethod.Patch, path, json, type);

    public Task<(int Code, JsonObject Body)> DeleteAsync(string path, string? json = null) => SendAsync(HttpMethod.Delete, path, json);

    public async Task<string> CreateNamespaceAsync(string name)
    {
        var (code, body) = await PostAsync("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
        Assert.True(code == 201, body.ToJsonString());
        return name;
    }

    public static string ConfigMap(string name, string? extraMetadata = null) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"" +
        (extraMetadata is null ? "" : "," + extraMetadata) + "},\"data\":{\"k\":\"v\"}}";
}
