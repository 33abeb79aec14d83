using System.Diagnostics;
using System.Globalization;
using System.Text;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>
/// Issue 15's attacks on the API server's parsers and paths (rows 1, 2, 4, 5, 6), each answered the way
/// kube-apiserver answers it, with the honest request next to it still working. Raw requests go through
/// curl with --path-as-is, so encoded dot segments reach the server exactly as an attacker sends them.
/// </summary>
[Collection(SharedServerDCollection.Name)]
public sealed class HostileRequestTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private async Task<(int Code, string Body)> CurlAsync(string method, string path, string? body = null, string contentType = "application/json")
    {
        var bodyFile = body is null ? null : fx.WriteFile($"body-{Guid.NewGuid():N}", body);
        string[] args =
        [
            "-k", "-s", "--path-as-is", "-X", method, "-w", "\n%{http_code}", "--max-time", "30",
            "-H", $"Authorization: Bearer {KubeconfigFile.Token(fx.Server.Kubeconfig)}",
            .. bodyFile is null ? Array.Empty<string>() : ["-H", $"Content-Type: {contentType}", "--data-binary", $"@{bodyFile}"],
            $"https://127.0.0.1:{fx.Server.Port}{path}",
        ];
        var result = await ProcessRunner.RunAsync("/usr/bin/curl", args, timeout: TimeSpan.FromSeconds(40));
        Assert.True(result.ExitCode == 0, result.ToString());
        var cut = result.Stdout.LastIndexOf('\n');
        return (int.Parse(result.Stdout[(cut + 1)..], CultureInfo.InvariantCulture), result.Stdout[..cut]);
    }

    private async Task ServerStillServesAsync(string ns)
    {
        Assert.NotNull(fx.Server.Pid);
        var name = fx.UniqueName("honest");
        await fx.Kubectl.OkWithInputAsync($"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: b\n", "apply", "-n", ns, "-f", "-");
        Assert.Equal("b", await fx.Kubectl.OkAsync("get", "configmap", name, "-n", ns, "-o", "jsonpath={.data.a}"));
    }

    [Theory]
    [InlineData("&a [*a]", "anchor 'a' value contains itself")]
    [InlineData("a: &a {b: *a}", "anchor 'a' value contains itself")]
    [InlineData("deep", "exceeded max depth")]
    public async Task A_recursive_or_deep_yaml_body_is_a_bad_request_not_a_crash(string yaml, string message)
    {
        var ns = await fx.NewNamespaceAsync("yaml-bomb");
        if (yaml == "deep")
        {
            yaml = new string('[', 100_000) + new string(']', 100_000);
        }

        var create = await CurlAsync("POST", $"/api/v1/namespaces/{ns}/configmaps", yaml, "application/yaml");
        var apply = await CurlAsync("PATCH", $"/api/v1/namespaces/{ns}/configmaps/x?fieldManager=kubectl", yaml, "application/apply-patch+yaml");

        Assert.Equal(400, create.Code);
        Assert.Contains(message, create.Body, StringComparison.Ordinal);
        Assert.Equal(400, apply.Code);
        await ServerStillServesAsync(ns);
    }

    [Fact]
    public async Task A_billion_laughs_is_refused_within_a_second_and_no_memory()
    {
        var ns = await fx.NewNamespaceAsync("laughs");
        var yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"{level}: &{level} [{string.Join(",", Enumerable.Repeat($"*{(char)(level - 1)}", 9))}]\n");
        }
        var rssBefore = ResidentKiB();
        var clock = Stopwatch.StartNew();

        var (code, body) = await CurlAsync("POST", $"/api/v1/namespaces/{ns}/configmaps", yaml.ToString(), "application/yaml");

        Assert.Equal(400, code);
        Assert.Contains("document contains excessive aliasing", body, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.True(ResidentKiB() - rssBefore < 50 * 1024, $"RSS grew from {rssBefore} KiB to {ResidentKiB()} KiB");
        await ServerStillServesAsync(ns);
    }

    [Fact]
    public async Task A_delete_with_an_empty_name_touches_no_object()
    {
        var ns = await fx.NewNamespaceAsync("empty-name");
        await fx.Kubectl.OkAsync("create", "configmap", "keep", "-n", ns, "--from-literal=a=b");

        var (code, _) = await CurlAsync("DELETE", $"/api/v1/namespaces/{ns}/configmaps/");

        Assert.Equal(404, code);
        await fx.Kubectl.OkAsync("get", "configmap", "keep", "-n", ns);
        // The honest collection delete still works.
        await fx.Kubectl.OkAsync("delete", "configmaps", "--all", "-n", ns);
        // (kube-root-ca.crt is published again at once, as on Kubernetes: only the test's own is checked.)
        Assert.Contains("configmaps \"keep\" not found", (await fx.Kubectl.RunAsync("get", "configmap", "keep", "-n", ns)).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%2E%2E/%2E%2E/{other}", "invalid resource name \\\"..\\\": [may not be '..']")]
    [InlineData("../../{other}", "invalid resource name \\\"..\\\": [may not be '..']")]
    [InlineData("%2e", "invalid resource name \\\".\\\": [may not be '.']")]
    [InlineData("a%2Fb", "invalid resource name \\\"a/b\\\": [may not contain '/']")]
    public async Task Dot_segments_and_encoded_slashes_never_reach_another_object(string tail, string message)
    {
        var ns = await fx.NewNamespaceAsync("dots");
        var other = await fx.NewNamespaceAsync("victim");
        await fx.Kubectl.OkAsync("create", "configmap", "keep", "-n", other, "--from-literal=a=b");

        var (code, body) = await CurlAsync("DELETE", $"/api/v1/namespaces/{ns}/configmaps/{tail.Replace("{other}", other, StringComparison.Ordinal)}");

        Assert.Equal(400, code);
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.Equal("Active", await fx.Kubectl.OkAsync("get", "namespace", other, "-o", "jsonpath={.status.phase}"));
        await fx.Kubectl.OkAsync("get", "configmap", "keep", "-n", other);
    }

    [Theory]
    [InlineData("deep-json", 400, "maximum configured depth of 100")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"s1\"},\"data\":{\"a\":\"\\ud800\"}}", 400, "surrogate")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"d1\",\"name\":\"d2\"}}", 400, "duplicate field \\\"name\\\"")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[null]}}", 422, "spec.containers[0].name: Required value")]
    public async Task Malformed_json_is_a_client_error_never_a_500(string body, int code, string message)
    {
        var ns = await fx.NewNamespaceAsync("bad-json");
        if (body == "deep-json")
        {
            body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"deep\"},\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":", 150)) + "1" + new string('}', 151);
        }
        var path = body.Contains("\"Pod\"", StringComparison.Ordinal) ? $"/api/v1/namespaces/{ns}/pods" : $"/api/v1/namespaces/{ns}/configmaps";

        var (status, response) = await CurlAsync("POST", path, body);

        Assert.Equal(code, status);
        Assert.Contains(message, response, StringComparison.Ordinal);
        await ServerStillServesAsync(ns);
    }

    [Fact]
    public async Task A_yaml_null_in_data_is_stored_as_an_empty_string_as_upstream_does()
    {
        var ns = await fx.NewNamespaceAsync("yaml-null");

        var (code, _) = await CurlAsync("POST", $"/api/v1/namespaces/{ns}/configmaps", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tilde, labels: {a: ~}}\ndata: {key: ~}\n", "application/yaml");

        Assert.Equal(201, code);
        Assert.Equal("{\"key\":\"\"}", await fx.Kubectl.OkAsync("get", "configmap", "tilde", "-n", ns, "-o", "jsonpath={.data}"));
    }

    [Theory]
    [InlineData("abc", "invalid syntax")]
    [InlineData("-1", "invalid syntax")]
    [InlineData("1e30", "invalid syntax")]
    [InlineData("99999999999999999999999", "value out of range")]
    public async Task A_list_with_a_malformed_resource_version_is_a_bad_request(string resourceVersion, string why)
    {
        var (code, body) = await CurlAsync("GET", $"/api/v1/namespaces/default/configmaps?resourceVersion={resourceVersion}");

        Assert.Equal(400, code);
        Assert.Contains($"resourceVersion: Invalid value: \\\"{resourceVersion}\\\": strconv.ParseUint: parsing \\\"{resourceVersion}\\\": {why}", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&watch=true")]
    public async Task A_resource_version_from_the_future_is_a_504_too_large_after_a_short_wait(string watch)
    {
        var current = await fx.Kubectl.OkAsync("get", "--raw", "/api/v1/namespaces/default/configmaps");
        var clock = Stopwatch.StartNew();

        var (code, body) = await CurlAsync("GET", $"/api/v1/namespaces/default/configmaps?resourceVersion=99999999999{watch}");

        Assert.Equal(504, code);
        Assert.Contains("Too large resource version: 99999999999", body, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"ResourceVersionTooLarge\"", body, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        // A current resourceVersion is served at once.
        var rv = System.Text.Json.JsonDocument.Parse(current).RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        Assert.Equal(200, (await CurlAsync("GET", $"/api/v1/namespaces/default/configmaps?resourceVersion={rv}")).Code);
    }

    private long ResidentKiB()
    {
        var line = File.ReadLines($"/proc/{fx.Server.Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
