using System.Text.Json;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>Bearer-token authentication seen from kubectl and from a raw HTTPS client (curl).</summary>
[Collection(SharedServerECollection.Name)]
public sealed class AuthTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    /// <summary>Runs kubectl with a kubeconfig copy whose `token: …` line is replaced by <paramref name="credentials"/>.</summary>
    private Task<ProcessResult> KubectlWithUserAsync(string credentials, params string[] args)
    {
        var kubeconfig = KubeconfigFile.CopyWithCredentials(fx.Server.Kubeconfig, Path.Combine(fx.WorkDir, $"kubeconfig-{Guid.NewGuid():N}"), credentials);
        return fx.Kubectl.RunAsync(args, stdin: null, env: new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig });
    }

    private Task<ProcessResult> CurlAsync(string path, params string[] extra) =>
        ProcessRunner.RunAsync("/usr/bin/curl", ["-k", "-s", "-w", "\n%{http_code}", .. extra, $"https://127.0.0.1:{fx.Server.Port}{path}"], timeout: TimeSpan.FromSeconds(30));

    private static (string Body, int Code) Split(ProcessResult curl)
    {
        Assert.True(curl.ExitCode == 0, curl.ToString());
        var cut = curl.Stdout.LastIndexOf('\n');
        return (curl.Stdout[..cut], int.Parse(curl.Stdout[(cut + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Kubectl_without_a_token_must_log_in()
    {
        // A user entry with no credentials at all makes kubectl prompt for a username (and fail with EOF
        // without a terminal) before it sends anything; a bare username sends no bearer token instead.
        await fx.Kubectl.OkAsync("get", "namespaces");

        var result = await KubectlWithUserAsync("username: anonymous", "get", "namespaces");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: You must be logged in to the server (Unauthorized)", result.Output);
    }

    [Fact]
    public async Task Kubectl_with_a_wrong_token_must_log_in()
    {
        await fx.Kubectl.OkAsync("get", "configmaps", "-A");

        var result = await KubectlWithUserAsync("token: not-the-right-token", "get", "configmaps", "-A");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: You must be logged in to the server (Unauthorized)", result.Output);
    }

    [Fact]
    public async Task Kubectl_with_a_wrong_token_and_no_discovery_cache_fails_in_discovery()
    {
        var coldCache = Path.Combine(fx.WorkDir, $"cold-cache-{Guid.NewGuid():N}");

        var result = await KubectlWithUserAsync("token: not-the-right-token", "get", "pods", "--cache-dir", coldCache);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: You must be logged in to the server (the server has asked for the client to provide credentials)", result.Output);
    }

    [Fact]
    public async Task Kubectl_with_a_wrong_token_cannot_create()
    {
        var ns = await fx.NewNamespaceAsync("auth-create");

        var result = await KubectlWithUserAsync("token: wrong", "create", "configmap", "intruder", "--from-literal=a=b", "-n", ns);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Unauthorized", result.Output);
        Assert.Contains("(NotFound)", await fx.Kubectl.FailAsync("get", "configmap", "intruder", "-n", ns));
    }

    [Fact]
    public async Task Raw_request_without_a_token_gets_a_401_status()
    {
        var (body, code) = Split(await CurlAsync("/api/v1/pods"));

        Assert.Equal(401, code);
        using var status = JsonDocument.Parse(body);
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        Assert.Equal("v1", status.RootElement.GetProperty("apiVersion").GetString());
        Assert.Equal("Failure", status.RootElement.GetProperty("status").GetString());
        Assert.Equal("Unauthorized", status.RootElement.GetProperty("reason").GetString());
        Assert.Equal("Unauthorized", status.RootElement.GetProperty("message").GetString());
        Assert.Equal(401, status.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Raw_request_with_the_token_lists_pods()
    {
        var token = KubeconfigFile.Token(fx.Server.Kubeconfig);

        var (body, code) = Split(await CurlAsync("/api/v1/pods", "-H", $"Authorization: Bearer {token}"));

        Assert.Equal(200, code);
        using var list = JsonDocument.Parse(body);
        Assert.Equal("PodList", list.RootElement.GetProperty("kind").GetString());
        Assert.Matches(@"^\d+$", list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString());
    }

    [Fact]
    public async Task Health_and_version_need_no_token()
    {
        var (health, healthCode) = Split(await CurlAsync("/healthz"));
        Assert.Equal(200, healthCode);
        Assert.Equal("ok", health);

        var (_, readyCode) = Split(await CurlAsync("/readyz"));
        Assert.Equal(200, readyCode);

        var (version, versionCode) = Split(await CurlAsync("/version"));
        Assert.Equal(200, versionCode);
        using var doc = JsonDocument.Parse(version);
        Assert.Equal("1", doc.RootElement.GetProperty("major").GetString());
        Assert.Equal("32", doc.RootElement.GetProperty("minor").GetString());
        Assert.StartsWith("v1.32.", doc.RootElement.GetProperty("gitVersion").GetString());
    }

    [Fact]
    public async Task Raw_request_with_a_wrong_token_gets_a_401_status()
    {
        var (body, code) = Split(await CurlAsync("/api/v1/namespaces", "-H", "Authorization: Bearer nope"));

        Assert.Equal(401, code);
        Assert.Contains("\"reason\":\"Unauthorized\"", body.Replace(" ", "", StringComparison.Ordinal));
    }
}
