using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Aggregation;
using Axolotl.ApiServer.Backends;
using Axolotl.ApiServer.OpenApi;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.Aggregation;

/// <summary>
/// The OpenAPI of an aggregated API server on loopback HTTPS (its own CA in the caBundle), fetched as the aggregator
/// fetches it and merged into /openapi/v3 and /openapi/v2; a backend that answers garbage, too much or nothing is skipped.
/// </summary>
public sealed class RemoteOpenApiTests : IAsyncLifetime
{
    private const string Group = "wardle.example.com";
    private const string Path = "apis/wardle.example.com/v1alpha1";

    private readonly TestPki _pki = new("aggregated-ca");
    private readonly ObjectStore _objects = new(new InMemoryStore());
    private readonly FakeTimeProvider _clock = new();
    private WebApplication? _backend;

    /// <summary>What the backend answers, by path: status and body.</summary>
    private readonly Dictionary<string, (int Code, string Body)> _answers = new(StringComparer.Ordinal);

    private static readonly string Document = """
        {"openapi":"3.0.0","info":{"title":"wardle","version":"v1alpha1"},"paths":{"/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders":{"get":{"operationId":"listFlunders"}}},
         "components":{"schemas":{"com.example.wardle.v1alpha1.Flunder":{"type":"object","description":"A flunder.","properties":{"spec":{"type":"object"}},
           "x-kubernetes-group-version-kind":[{"group":"wardle.example.com","kind":"Flunder","version":"v1alpha1"}]}}}}
        """;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var serving = _pki.Serving("api", dnsNames: ["api.wardle.svc"]);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(serving)));
        _backend = builder.Build();
        _backend.Run(async ctx =>
        {
            var (code, body) = _answers.GetValueOrDefault(ctx.Request.Path.Value ?? "", (404, "{}"));
            ctx.Response.StatusCode = code;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(body);
        });
        await _backend.StartAsync();
        var port = new Uri(_backend.Urls.First()).Port;
        await _objects.CreateAsync(KnownResources.Services, JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"api","namespace":"wardle"},"spec":{"type":"ClusterIP","ports":[{"name":"https","port":443,"targetPort":{{{port}}}}]}}
            """)!.AsObject(), CancellationToken.None);
        await _objects.CreateAsync(KnownResources.Endpoints, JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"api","namespace":"wardle"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":{{{port}}}}]}]}
            """)!.AsObject(), CancellationToken.None);
    }

    /// <summary>A /openapi/v3 index that lists the group/version's document.</summary>
    private const string Index = "{\"paths\":{\"" + Path + "\":{\"serverRelativeURL\":\"/openapi/v3/" + Path + "\"}}}";

    private (RemoteOpenApi OpenApi, ApiServiceSnapshot Snapshot) Aggregator(bool available = true)
    {
        var apiServices = new ApiServiceCache(_objects, _clock, NullLogger<ApiServiceCache>.Instance);
        apiServices.Set([new APIService
        {
            Metadata = new ObjectMeta { Name = "v1alpha1." + Group },
            Spec = new APIServiceSpec
            {
                Group = Group, Version = "v1alpha1", GroupPriorityMinimum = 1000, VersionPriority = 15,
                CaBundle = Encoding.ASCII.GetBytes(_pki.Ca.ExportCertificatePem()),
                Service = new ServiceReference { Namespace = "wardle", Name = "api" },
            },
            Status = new APIServiceStatus { Conditions = [new APIServiceCondition { Type = APIServiceCondition.Available, Status = available ? "True" : "False" }] },
        }]);
        var fetcher = new RemoteFetcher(new ServiceEndpointResolver(_objects), new BackendTransport(), _pki.Client("front-proxy-client"), TimeProvider.System);
        return (new RemoteOpenApi(apiServices, fetcher, _clock, NullLogger<RemoteOpenApi>.Instance), apiServices.Current);
    }

    private static async Task<OpenApiV3> ServedAsync(RemoteOpenApi remote) =>
        await new ServedOpenApi(Task.FromResult(new OpenApiV3([KnownResources.ConfigMaps])), new ResourceCatalog(), () => remote.Current).CurrentAsync();

    [Fact]
    public async Task A_remote_v3_document_is_listed_in_the_index_served_and_merged_into_swagger()
    {
        _answers["/openapi/v3"] = (200, "{\"paths\":{\"" + Path + "\":{\"serverRelativeURL\":\"/openapi/v3/" + Path + "?hash=ABC\"},\"api/v1\":{\"serverRelativeURL\":\"/openapi/v3/api/v1\"}}}");
        _answers["/openapi/v3/" + Path] = (200, Document);
        var (remote, snapshot) = Aggregator();

        await remote.RefreshAsync(snapshot, CancellationToken.None);
        var served = await ServedAsync(remote);

        var index = JsonNode.Parse(served.IndexJson)!["paths"]!.AsObject();
        Assert.Equal(["api/v1", Path], index.Select(p => p.Key));
        Assert.StartsWith($"/openapi/v3/{Path}?hash=", index[Path]!["serverRelativeURL"]!.GetValue<string>());
        var document = JsonNode.Parse(served.DocumentJson(Path)!)!;
        Assert.Equal("A flunder.", document["components"]!["schemas"]!["com.example.wardle.v1alpha1.Flunder"]!["description"]!.GetValue<string>());
        var swagger = JsonNode.Parse(served.SwaggerJson)!;
        Assert.NotNull(swagger["definitions"]!["com.example.wardle.v1alpha1.Flunder"]);
        Assert.NotNull(swagger["paths"]!["/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders"]);
    }

    [Fact]
    public async Task A_backend_without_v3_gives_its_swagger_paths_of_the_group_version_and_definitions()
    {
        _answers["/openapi/v2"] = (200, """
            {"swagger":"2.0","paths":{"/apis/wardle.example.com/v1alpha1/flunders":{"get":{}},"/apis/other.example.com/v1/x":{"get":{}}},
             "definitions":{"com.example.wardle.v1alpha1.Flunder":{"type":"object"}}}
            """);
        var (remote, snapshot) = Aggregator();

        await remote.RefreshAsync(snapshot, CancellationToken.None);
        var served = await ServedAsync(remote);

        Assert.DoesNotContain(Path, JsonNode.Parse(served.IndexJson)!["paths"]!.AsObject().Select(p => p.Key));
        var swagger = JsonNode.Parse(served.SwaggerJson)!;
        Assert.NotNull(swagger["paths"]!["/apis/wardle.example.com/v1alpha1/flunders"]);
        Assert.Null(swagger["paths"]!["/apis/other.example.com/v1/x"]);
        Assert.NotNull(swagger["definitions"]!["com.example.wardle.v1alpha1.Flunder"]);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"openapi":"3.0.0"}""")]
    [InlineData("[1,2,3]")]
    public async Task A_document_that_is_not_OpenAPI_is_skipped_and_the_last_good_one_kept(string garbage)
    {
        _answers["/openapi/v3"] = (200, Index);
        _answers["/openapi/v3/" + Path] = (200, Document);
        var (remote, snapshot) = Aggregator();
        await remote.RefreshAsync(snapshot, CancellationToken.None);
        var good = remote.Current;

        _answers["/openapi/v3/" + Path] = (200, garbage);
        await remote.RefreshAsync(snapshot, CancellationToken.None);

        Assert.Same(good, remote.Current);
        Assert.NotNull((await ServedAsync(remote)).DocumentJson(Path));
    }

    [Fact]
    public async Task A_garbage_index_a_document_too_large_or_an_error_leaves_nothing_and_an_unavailable_APIService_is_not_asked()
    {
        _answers["/openapi/v3"] = (200, "<html>");
        var (remote, snapshot) = Aggregator();
        await remote.RefreshAsync(snapshot, CancellationToken.None);
        Assert.Empty(remote.Current.Specs);

        _answers["/openapi/v3"] = (200, Index);
        _answers["/openapi/v3/" + Path] = (200, "{\"paths\":{},\"x\":\"" + new string('a', (int)RemoteOpenApi.MaxDocumentBytes) + "\"}");
        await remote.RefreshAsync(snapshot, CancellationToken.None);
        Assert.Empty(remote.Current.Specs);

        _answers["/openapi/v3"] = (500, "{}");
        await remote.RefreshAsync(snapshot, CancellationToken.None);
        Assert.Empty(remote.Current.Specs);

        _answers["/openapi/v3/" + Path] = (200, Document);
        var (unavailable, notAvailable) = Aggregator(available: false);
        await unavailable.RefreshAsync(notAvailable, CancellationToken.None);
        Assert.Empty(unavailable.Current.Specs);
        Assert.Equal(JsonNode.Parse(new OpenApiV3([KnownResources.ConfigMaps]).IndexJson)!.ToJsonString(), JsonNode.Parse((await ServedAsync(unavailable)).IndexJson)!.ToJsonString());
    }

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
        _pki.Dispose();
    }
}
