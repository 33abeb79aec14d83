using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Aggregation;
using Axolotl.ApiServer.Discovery;

namespace Axolotl.ApiServer.Tests.Aggregation;

public sealed class AggregatedDiscoveryTests
{
    private static readonly JsonArray Flunders = JsonNode.Parse("""
        [{"name":"flunders","singularName":"flunder","namespaced":true,"kind":"Flunder","verbs":["get","list"],"shortNames":["fl"]},
         {"name":"flunders/status","singularName":"","namespaced":true,"kind":"Flunder","verbs":["get"]},
         {"name":"fischers","singularName":"fischer","namespaced":false,"kind":"Fischer","verbs":["get"],"group":"other.example.com","version":"v2"}]
        """)!.AsArray();

    private static AggregatedApis Aggregated(params RemoteGroupVersion[] remote) =>
        new(1, remote, remote.GroupBy(r => r.Group).ToDictionary(g => g.Key, g => g.Max(r => r.GroupPriorityMinimum)),
            remote.ToDictionary(r => $"{r.Group}/{r.Version}", r => r.VersionPriority));

    [Fact]
    public void A_remote_group_goes_before_the_first_local_group_of_lower_priority_and_its_versions_by_versionPriority()
    {
        var priorities = new Dictionary<string, int> { ["apps"] = 17800, ["batch"] = 17400, ["metrics.k8s.io"] = 100, ["wardle.example.com"] = 1000 };
        RemoteGroupVersion[] remote =
        [
            new("wardle.example.com", "v1alpha1", 1000, 10, null, false),
            new("wardle.example.com", "v1beta1", 1000, 15, null, false),
            new("zeta.example.com", "v1", 17400, 15, null, false),
        ];

        Assert.Equal(["apps", "batch", "zeta.example.com", "wardle.example.com", "metrics.k8s.io"],
            DiscoveryOrdering.Groups(["apps", "batch", "metrics.k8s.io"], remote, priorities));
        Assert.Equal(["v1beta1", "v1alpha1"], DiscoveryOrdering.Versions(remote.Where(r => r.Group == "wardle.example.com")).Select(r => r.Version));
    }

    [Fact]
    public void A_remote_list_becomes_aggregated_resources_with_subresources_and_the_kinds_own_group()
    {
        var resources = RemoteResources.ToAggregated("wardle.example.com", "v1alpha1", Flunders);

        Assert.Equal(2, resources.Count);
        Assert.Equal("""{"resource":"flunders","responseKind":{"group":"wardle.example.com","version":"v1alpha1","kind":"Flunder"},"scope":"Namespaced","singularResource":"flunder","verbs":["get","list"],"shortNames":["fl"],"subresources":[{"subresource":"status","responseKind":{"group":"wardle.example.com","version":"v1alpha1","kind":"Flunder"},"verbs":["get"]}]}""",
            resources[0]!.ToJsonString());
        Assert.Equal("""{"group":"other.example.com","version":"v2","kind":"Fischer"}""", resources[1]!["responseKind"]!.ToJsonString());
        Assert.Equal("Cluster", resources[1]!["scope"]!.GetValue<string>());
    }

    [Fact]
    public void Discovery_lists_a_remote_group_version_fresh_or_stale()
    {
        var documents = new DiscoveryDocuments(KnownResources.All, Aggregated(
            new RemoteGroupVersion("wardle.example.com", "v1alpha1", 1000, 15, Flunders, Fresh: true),
            new RemoteGroupVersion("down.example.com", "v1", 1000, 15, null, Fresh: false)));

        var legacy = JsonNode.Parse(documents.LegacyGroupList)!["groups"]!.AsArray();
        Assert.Single(legacy, g => g!["name"]!.GetValue<string>() == "wardle.example.com");
        Assert.Single(legacy, g => g!["name"]!.GetValue<string>() == "down.example.com");
        Assert.Equal("""{"groupVersion":"wardle.example.com/v1alpha1","version":"v1alpha1"}""",
            JsonNode.Parse(documents.LegacyGroups["wardle.example.com"])!["preferredVersion"]!.ToJsonString());
        Assert.False(documents.LegacyResourceLists.ContainsKey("wardle.example.com/v1alpha1")); // the backend's own, proxied

        var aggregated = JsonNode.Parse(documents.AggregatedGroups)!["items"]!.AsArray();
        JsonNode Version(string group) => aggregated.Single(i => i!["metadata"]!["name"]!.GetValue<string>() == group)!["versions"]![0]!;
        Assert.Equal(("Current", 2), (Version("wardle.example.com")["freshness"]!.GetValue<string>(), Version("wardle.example.com")["resources"]!.AsArray().Count));
        Assert.Equal(("Stale", 0), (Version("down.example.com")["freshness"]!.GetValue<string>(), Version("down.example.com")["resources"]!.AsArray().Count));
    }

    [Fact]
    public void A_remote_APIService_for_a_built_in_group_version_replaces_the_built_in_in_discovery()
    {
        JsonArray metrics = [new JsonObject { ["name"] = "pods", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodMetrics", ["verbs"] = new JsonArray("get", "list") }];
        var documents = new DiscoveryDocuments(KnownResources.All, Aggregated(new RemoteGroupVersion("metrics.k8s.io", "v1beta1", 100, 100, metrics, Fresh: true)));

        // Its resource list is the backend's (proxied), no longer the built-in's; the group stays listed once.
        Assert.False(documents.LegacyResourceLists.ContainsKey("metrics.k8s.io/v1beta1"));
        Assert.True(documents.LegacyResourceLists.ContainsKey("apps/v1"));
        var aggregated = JsonNode.Parse(documents.AggregatedGroups)!["items"]!.AsArray();
        var group = Assert.Single(aggregated, i => i!["metadata"]!["name"]!.GetValue<string>() == "metrics.k8s.io")!;
        var version = Assert.Single(group["versions"]!.AsArray())!;
        Assert.Equal(["pods"], version["resources"]!.AsArray().Select(r => r!["resource"]!.GetValue<string>()));
        Assert.Single(JsonNode.Parse(documents.LegacyGroupList)!["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "metrics.k8s.io");

        // Back to Local: the built-in's own list again.
        Assert.True(new DiscoveryDocuments(KnownResources.All, Aggregated()).LegacyResourceLists.ContainsKey("metrics.k8s.io/v1beta1"));
    }

    [Theory]
    [InlineData("scopes", "scopes")]
    [InlineData("example.com/scopes", "example.com%2Fscopes")]
    [InlineData("authentication.kubernetes.io/credential-id", "authentication.kubernetes.io%2Fcredential-id")]
    [InlineData("100%", "100%25")]
    public void Extra_keys_are_escaped_as_client_go_escapes_header_names(string key, string escaped) =>
        Assert.Equal(escaped, AuthProxyHeaders.EscapeKey(key));

    [Fact]
    public void A_value_with_a_control_character_is_left_out_so_it_cannot_add_a_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.wardle.svc/");

        AuthProxyHeaders.Set(request, new Axolotl.ApiServer.Security.Principal("jane", ["devs\r\nX-Remote-User: admin", "ops"], null));

        Assert.Equal(["jane"], request.Headers.GetValues("X-Remote-User"));
        Assert.Equal(["ops"], request.Headers.GetValues("X-Remote-Group"));
    }

    [Fact]
    public void The_callers_identity_headers_are_replaced_by_the_authenticated_users()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.wardle.svc/apis/wardle.example.com/v1alpha1");
        request.Headers.TryAddWithoutValidation("X-Remote-User", "system:admin");
        request.Headers.TryAddWithoutValidation("X-Remote-Extra-Forged", "yes");

        AuthProxyHeaders.Set(request, new Axolotl.ApiServer.Security.Principal("jane", ["devs", "system:authenticated"], null)
        {
            Extra = new Dictionary<string, IReadOnlyList<string>> { ["example.com/scopes"] = ["a", "b"] },
        });

        Assert.Equal(["jane"], request.Headers.GetValues("X-Remote-User"));
        // One line per value on the wire: "X-Remote-Group: devs\r\nX-Remote-Group: system:authenticated".
        Assert.Equal(["devs\r\nX-Remote-Group: system:authenticated"], request.Headers.GetValues("X-Remote-Group"));
        Assert.Equal(["a\r\nX-Remote-Extra-example.com%2Fscopes: b"], request.Headers.GetValues("X-Remote-Extra-example.com%2Fscopes"));
        Assert.False(request.Headers.Contains("X-Remote-Extra-Forged"));
        Assert.Equal(System.Net.HttpVersion.Version11, request.Version);
    }
}
