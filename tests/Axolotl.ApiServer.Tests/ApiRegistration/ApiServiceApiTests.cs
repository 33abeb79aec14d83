using System.Text.Json.Nodes;
using Axolotl.ApiServer.Tests.Rest;

namespace Axolotl.ApiServer.Tests.ApiRegistration;

/// <summary>apiregistration.k8s.io/v1 APIServices over the real HTTP API: discovery, create and status rules, the table, the errors.</summary>
[Trait("Category", "Integration")]
public sealed class ApiServiceApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Path = "/apis/apiregistration.k8s.io/v1/apiservices";
    private const string Table = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private static string ApiService(string name, string spec) =>
        """{"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":""" + "\"" + name + "\"},\"spec\":" + spec + "}";

    private static string Remote(string group) =>
        ApiService("v1alpha1." + group, """{"group":"GROUP","version":"v1alpha1","groupPriorityMinimum":1000,"versionPriority":15,"insecureSkipTLSVerify":true,"service":{"namespace":"wardle","name":"api"}}"""
            .Replace("GROUP", group, StringComparison.Ordinal));

    [Fact]
    public async Task The_group_is_discovered_with_apiservices_and_their_status_subresource()
    {
        var (code, groups) = await api.GetAsync("/apis");
        Assert.Equal(200, code);
        Assert.Contains(groups["groups"]!.AsArray(), g => (string?)g!["name"] == "apiregistration.k8s.io");

        var (_, resources) = await api.GetAsync("/apis/apiregistration.k8s.io/v1");
        var list = resources["resources"]!.AsArray();
        var apiServices = list.Single(r => (string?)r!["name"] == "apiservices")!;
        Assert.Equal(("APIService", false), ((string?)apiServices["kind"], (bool)apiServices["namespaced"]!));
        Assert.Equal(["api-extensions"], apiServices["categories"]!.AsArray().Select(c => (string?)c));
        Assert.Contains(list, r => (string?)r!["name"] == "apiservices/status");
    }

    [Fact]
    public async Task A_Local_APIService_is_Available_from_its_creation_whatever_status_it_was_sent_with()
    {
        var body = ApiService("v1.local.example.com", """{"group":"local.example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":100}""");
        body = body[..^1] + ""","status":{"conditions":[{"type":"Available","status":"False","reason":"Made","message":"up"}]}}""";

        var (code, created) = await api.PostAsync(Path, body);

        Assert.Equal(201, code);
        var condition = created["status"]!["conditions"]!.AsArray().Single()!;
        Assert.Equal(("Available", "True", "Local", "Local APIServices are always available"),
            ((string?)condition["type"], (string?)condition["status"], (string?)condition["reason"], (string?)condition["message"]));
        Assert.NotNull(condition["lastTransitionTime"]);
    }

    [Fact]
    public async Task One_with_a_service_starts_without_status_and_the_table_shows_its_service_and_availability()
    {
        var (code, created) = await api.PostAsync(Path, Remote("table.example.com"));
        Assert.Equal(201, code);
        Assert.Null(created["status"]);
        Assert.Equal(443, (int)created["spec"]!["service"]!["port"]!);
        Assert.True((bool)created["spec"]!["insecureSkipTLSVerify"]!);

        var (_, table) = await api.GetAsync($"{Path}/v1alpha1.table.example.com", Table);
        Assert.Equal(["Name", "Service", "Available", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal(["v1alpha1.table.example.com", "wardle/api", "Unknown"], cells.Take(3).Select(c => (string?)c));

        var status = created.DeepClone().AsObject();
        status["status"] = JsonNode.Parse("""{"conditions":[{"type":"Available","status":"False","reason":"ServiceNotFound","message":"service/api in \"wardle\" is not present","lastTransitionTime":"2026-11-26T00:00:00Z"}]}""");
        var (statusCode, _) = await api.PutAsync($"{Path}/v1alpha1.table.example.com/status", status.ToJsonString());
        Assert.Equal(200, statusCode);

        (_, table) = await api.GetAsync($"{Path}/v1alpha1.table.example.com", Table);
        Assert.Equal("False (ServiceNotFound)", (string?)table["rows"]![0]!["cells"]![2]);
    }

    [Fact]
    public async Task A_bad_APIService_is_refused_with_a_422_and_upstreams_field_causes()
    {
        var (code, status) = await api.PostAsync(Path, ApiService("v1.batch",
            """{"group":"apps","version":"v1","groupPriorityMinimum":30000,"versionPriority":15,"insecureSkipTLSVerify":true}"""));

        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.StartsWith("APIService.apiregistration.k8s.io \"v1.batch\" is invalid: [", (string?)status["message"]);
        var causes = status["details"]!["causes"]!.AsArray().Select(c => ((string?)c!["field"], (string?)c["message"])).ToList();
        Assert.Contains(("metadata.name", "Invalid value: \"v1.batch\": must be `spec.version+\".\"+spec.group`: \"v1.apps\""), causes);
        Assert.Contains(("spec.groupPriorityMinimum", "Invalid value: 30000: must be positive and less than 20000"), causes);
        Assert.Contains(("spec.insecureSkipTLSVerify", "Invalid value: true: local APIServices may not have insecureSkipTLSVerify"), causes);
    }

    [Fact]
    public async Task A_second_create_is_409_AlreadyExists_in_the_words_the_Python_clients_suite_expects()
    {
        Assert.Equal(201, (await api.PostAsync(Path, Remote("wardle.k8s.io"))).Code);

        var (code, status) = await api.PostAsync(Path, Remote("wardle.k8s.io"));

        Assert.Equal(409, code);
        Assert.Equal("apiservices.apiregistration.k8s.io \"v1alpha1.wardle.k8s.io\" already exists", (string?)status["message"]);
        Assert.Equal("""{"name":"v1alpha1.wardle.k8s.io","group":"apiregistration.k8s.io","kind":"apiservices"}""", status["details"]!.ToJsonString());
    }
}
