using System.Text.Json;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl get` in every output format, with selectors, sorting and several kinds.</summary>
public sealed class GetTests(GetFixture fx) : IClassFixture<GetFixture>
{
    private Task<string> GetAsync(params string[] args) => fx.Kubectl.OkAsync(["get", .. args, "-n", fx.Ns]);

    [Fact]
    public async Task Get_pods_prints_the_pod_table_sorted_by_name()
    {
        var output = await GetAsync("pods");

        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], TableText.Header(output));
        Assert.Equal(["db-c", "web-a", "web-b"], TableText.Keys(output));
        Assert.Equal(["web-a", "0/1", "Pending", "0"], TableText.Row(output, "web-a")[..4]);
    }

    [Fact]
    public async Task Get_pods_wide_adds_ip_node_nominated_node_and_readiness_gates()
    {
        var output = await GetAsync("pods", "-o", "wide");

        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], TableText.Header(output));
        Assert.Equal(["<none>", "<none>", "<none>", "<none>"], TableText.Row(output, "web-a")[5..]);
    }

    [Fact]
    public async Task Get_deployment_wide_adds_containers_images_and_selector()
    {
        var output = await GetAsync("deployments", "-o", "wide");

        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], TableText.Header(output));
        var row = TableText.Row(output, "web");
        Assert.Equal("0/0", row[1]);
        Assert.Equal(["nginx", "nginx:1.25", "app=web"], row[5..]);
    }

    [Fact]
    public async Task Get_pod_yaml_is_the_full_object()
    {
        var output = await GetAsync("pod", "web-a", "-o", "yaml");

        Assert.StartsWith("apiVersion: v1\nkind: Pod\nmetadata:", output);
        Assert.Contains("  name: web-a\n", output);
        Assert.Contains($"  namespace: {fx.Ns}\n", output);
        Assert.Matches(@"(?m)^  uid: [0-9a-f-]{36}$", output);
        Assert.Matches(@"(?m)^  resourceVersion: ""\d+""$", output);
        Assert.Matches(@"(?m)^  creationTimestamp: ""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ""$", output);
        Assert.Matches(@"(?m)^  - image: busybox:1.36$", output);
        Assert.Contains("  phase: Pending\n", output);
    }

    [Fact]
    public async Task Get_pods_yaml_is_a_list()
    {
        var output = await GetAsync("pods", "-o", "yaml");

        Assert.StartsWith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n", output);
        Assert.Contains("\nkind: List\n", output);
    }

    [Fact]
    public async Task Get_pods_json_is_a_list_of_pods()
    {
        var output = await GetAsync("pods", "-o", "json");

        using var doc = JsonDocument.Parse(output);
        Assert.Equal("List", doc.RootElement.GetProperty("kind").GetString());
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, item => Assert.Equal("Pod", item.GetProperty("kind").GetString()));
        Assert.All(items, item => Assert.Equal("v1", item.GetProperty("apiVersion").GetString()));
    }

    [Fact]
    public async Task Get_with_jsonpath_prints_the_selected_fields()
    {
        Assert.Equal("db-c web-a web-b", await GetAsync("pods", "-o", "jsonpath={.items[*].metadata.name}"));
        Assert.Equal("busybox:1.36", await GetAsync("pod", "web-b", "-o", "jsonpath={.spec.containers[0].image}"));
        Assert.Equal("db-c=2\nweb-a=3\nweb-b=1\n",
            await GetAsync("pods", "-o", "jsonpath={range .items[*]}{.metadata.name}={.metadata.labels.rank}{\"\\n\"}{end}"));
    }

    [Fact]
    public async Task Get_with_output_name_prints_kind_slash_name()
    {
        Assert.Equal("pod/db-c\npod/web-a\npod/web-b\n", await GetAsync("pods", "-o", "name"));
        Assert.Equal("deployment.apps/web\n", await GetAsync("deploy", "-o", "name"));
    }

    [Fact]
    public async Task Get_all_namespaces_adds_a_namespace_column()
    {
        var output = await fx.Kubectl.OkAsync("get", "pods", "-A");

        Assert.Equal(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"], TableText.Header(output));
        Assert.Equal(fx.Ns, TableText.Row(output, "web-a", column: 1)[0]);
    }

    [Fact]
    public async Task Get_namespaces_includes_the_builtin_ones()
    {
        var output = await fx.Kubectl.OkAsync("get", "namespaces");

        var names = TableText.Keys(output);
        Assert.Contains("default", names);
        Assert.Contains("kube-system", names);
        Assert.Contains("kube-public", names);
        Assert.Contains("kube-node-lease", names);
        Assert.Contains(fx.Ns, names);
    }

    [Fact]
    public async Task Get_show_labels_adds_a_labels_column()
    {
        var output = await GetAsync("pods", "--show-labels");

        Assert.Equal("LABELS", TableText.Header(output)[^1]);
        Assert.Equal("app=web,rank=3,tier=a", TableText.Row(output, "web-a")[^1]);
    }

    [Fact]
    public async Task Get_with_label_columns_prints_the_label_values()
    {
        var output = await GetAsync("pods", "-L", "tier");

        Assert.Equal("TIER", TableText.Header(output)[^1]);
        Assert.Equal("c", TableText.Row(output, "db-c")[^1]);
    }

    [Fact]
    public async Task Get_with_an_equality_label_selector_filters_pods()
    {
        Assert.Equal(["web-a", "web-b"], TableText.Keys(await GetAsync("pods", "-l", "app=web")));
        Assert.Equal(["db-c"], TableText.Keys(await GetAsync("pods", "-l", "app!=web")));
        Assert.Equal(["web-b"], TableText.Keys(await GetAsync("pods", "-l", "app=web,tier=b")));
    }

    [Fact]
    public async Task Get_with_a_label_selector_of_100_kilobytes_is_served()
    {
        // kube-apiserver takes 1 MiB of request line; kubectl sends it over HTTP/2, where a small limit is a reset stream.
        var values = Enumerable.Range(0, 1600).Select(i => $"v{i:D4}".PadRight(63, 'x')).Append("web");
        var selector = $"app in ({string.Join(',', values)})";
        Assert.True(selector.Length > 100_000, $"{selector.Length} characters");

        Assert.Equal(["web-a", "web-b"], TableText.Keys(await GetAsync("pods", "-l", selector)));
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("1.1")]
    public async Task A_label_selector_over_1_MiB_gets_a_414_Status_from_the_server(string version)
    {
        // Past kube-apiserver's 1 MiB request line: no kubectl argument can be that long (Linux caps one at 128 KiB), so plain HTTPS.
        var values = Enumerable.Range(0, 19_000).Select(i => $"v{i:D5}".PadRight(63, 'x'));
        var selector = $"app in ({string.Join(',', values)})";
        Assert.True(selector.Length > 1_100_000, $"{selector.Length} characters");
        using var http = ApiClient.Create(fx.Server);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{fx.Ns}/pods?labelSelector={Uri.EscapeDataString(selector)}")
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http.SendAsync(request);
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(414, (int)response.StatusCode);
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Failure", status.GetProperty("status").GetString());
        Assert.Equal(414, status.GetProperty("code").GetInt32());
        Assert.Contains("over the limit of 1048576", status.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Get_with_a_set_based_label_selector_filters_pods()
    {
        Assert.Equal(["db-c", "web-a"], TableText.Keys(await GetAsync("pods", "-l", "tier in (a,c)")));
        Assert.Equal(["web-b"], TableText.Keys(await GetAsync("pods", "-l", "tier notin (a,c)")));
        Assert.Equal(["db-c", "web-a", "web-b"], TableText.Keys(await GetAsync("pods", "-l", "rank")));
        Assert.Equal("", await GetAsync("pods", "-l", "!rank", "-o", "name"));
    }

    [Fact]
    public async Task Get_with_a_label_selector_that_matches_nothing_says_no_resources_found()
    {
        var result = await fx.Kubectl.RunAsync("get", "pods", "-n", fx.Ns, "-l", "app=nothing");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal($"No resources found in {fx.Ns} namespace.\n", result.Stderr);
    }

    [Fact]
    public async Task Get_with_a_metadata_name_field_selector_returns_that_object()
    {
        Assert.Equal(["web-b"], TableText.Keys(await GetAsync("pods", "--field-selector", "metadata.name=web-b")));
        Assert.Equal(["db-c", "web-a"], TableText.Keys(await GetAsync("pods", "--field-selector", "metadata.name!=web-b")));
    }

    [Fact]
    public async Task Get_with_a_status_phase_field_selector_filters_pods()
    {
        Assert.Equal(["db-c", "web-a", "web-b"], TableText.Keys(await GetAsync("pods", "--field-selector", "status.phase=Pending")));
        Assert.Equal("", await GetAsync("pods", "--field-selector", "status.phase=Running", "-o", "name"));
        Assert.Equal(["db-c", "web-a", "web-b"], TableText.Keys(await GetAsync("pods", "--field-selector", "status.phase!=Succeeded,status.phase!=Failed")));
    }

    [Fact]
    public async Task Get_with_an_unsupported_field_selector_fails()
    {
        var output = await fx.Kubectl.FailAsync("get", "pods", "-n", fx.Ns, "--field-selector", "spec.color=red");

        Assert.Contains("Error from server (BadRequest)", output);
        Assert.Contains("field label not supported: spec.color", output);
    }

    [Fact]
    public async Task Get_sorted_by_a_field_orders_the_rows()
    {
        Assert.Equal(["db-c", "web-a", "web-b"], TableText.Keys(await GetAsync("pods", "--sort-by=.metadata.name")));
        Assert.Equal(["web-b", "db-c", "web-a"], TableText.Keys(await GetAsync("pods", "--sort-by=.metadata.labels.rank")));
    }

    [Fact]
    public async Task Get_all_lists_pods_services_and_deployments()
    {
        var output = await GetAsync("all");

        Assert.Contains("pod/web-a", output);
        Assert.Contains("pod/db-c", output);
        Assert.Contains("deployment.apps/web", output);
        Assert.Matches(@"(?m)^service/web\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80/TCP\s+", output);
        Assert.DoesNotContain("configmap", output);
    }

    [Fact]
    public async Task Get_of_several_kinds_prints_one_table_each()
    {
        var output = await GetAsync("deploy,svc");

        Assert.Contains("deployment.apps/web", output);
        Assert.Contains("service/web", output);
    }

    [Fact]
    public async Task Get_of_a_missing_name_prints_not_found()
    {
        var output = await fx.Kubectl.FailAsync("get", "pod", "nope", "-n", fx.Ns);

        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", output);
    }

    [Fact]
    public async Task Get_of_several_names_prints_the_found_ones_and_fails_for_the_missing_one()
    {
        var result = await fx.Kubectl.RunAsync("get", "pods", "web-a", "nope", "-n", fx.Ns);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["web-a"], TableText.Keys(result.Stdout));
        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", result.Stderr);
    }

    [Fact]
    public async Task Get_with_chunk_size_pages_through_the_list()
    {
        Assert.Equal("pod/db-c\npod/web-a\npod/web-b\n", await GetAsync("pods", "--chunk-size=1", "-o", "name"));
        Assert.Equal(["db-c", "web-a", "web-b"], TableText.Keys(await GetAsync("pods", "--chunk-size=2")));
    }
}
