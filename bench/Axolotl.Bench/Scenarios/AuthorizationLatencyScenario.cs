using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// What RBAC adds to a request: the admin (system:masters, allowed before RBAC is consulted) and a
/// certificate user whose access comes from one RoleBinding among thousands (2,000 RoleBindings in the
/// same namespace and 1,000 ClusterRoleBindings, each to another user) read the same pod over their
/// own keep-alive connections, interleaved so both see the same server state. The difference of the
/// medians is the authorization cost (and the cheaper per-connection certificate check); the target
/// is under 5 % of the admin's get latency.
/// </summary>
internal sealed class AuthorizationLatencyScenario : IScenario
{
    private const string Ns = "bench-authz";
    private const string User = "bench-reader";

    public string Name => "authz-latency";

    public string Description => "get latency of an RBAC-granted user among 3,000 bindings vs the system:masters admin";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 180);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var rounds = context.Quick ? 2_000 : 10_000;
        var bindings = context.Quick ? 2_000 : 5_000;
        var clusterBindings = bindings / 2;
        await using var server = await context.StartServerAsync(ct);
        using var admin = context.Connect(server);

        context.Log($"{Name}: {bindings} RoleBindings and {clusterBindings} ClusterRoleBindings");
        await PodLoader.EnsureNamespaceAsync(admin, Ns, ct);
        await admin.CreateAsync($"/api/v1/namespaces/{Ns}/pods", PodManifests.Pod(Ns, "target"), ct);
        await admin.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/roles", Json($$"""
            {"metadata":{"name":"pod-reader"},"rules":[{"verbs":["get","list","watch"],"apiGroups":[""],"resources":["pods"]}]}
            """), ct);
        for (var i = 0; i < bindings; i++)
        {
            await admin.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/rolebindings", Binding($"other-{i}", "Role", "pod-reader", $"user-{i}"), ct);
        }
        for (var i = 0; i < clusterBindings; i++)
        {
            await admin.CreateAsync("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", Binding($"other-{i}", "ClusterRole", "view", $"cluster-user-{i}"), ct);
        }
        await admin.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/rolebindings", Binding("bench-reader", "Role", "pod-reader", User), ct);
        report.Notes.Add($"{bindings:N0} RoleBindings in the namespace and {clusterBindings:N0} ClusterRoleBindings name other users; one RoleBinding grants {User}");

        using var user = await UserClientAsync(context, server, ct);
        var path = $"/api/v1/namespaces/{Ns}/pods/target";
        await WaitForAccessAsync(user, path, ct);
        for (var i = 0; i < 200; i++)
        {
            await admin.GetAsync(path, ct);
            await user.GetAsync(path, ct);
        }

        context.Log($"{Name}: {rounds} interleaved gets each");
        var adminSamples = new LatencySamples("get, admin (system:masters short-circuit)");
        var userSamples = new LatencySamples("get, certificate user granted by a RoleBinding");
        for (var i = 0; i < rounds; i++)
        {
            // Alternate who goes first so neither always follows the other's request.
            var (first, firstSamples, second, secondSamples) = i % 2 == 0 ? (admin, adminSamples, user, userSamples) : (user, userSamples, admin, adminSamples);
            var start = Stopwatch.GetTimestamp();
            await first.GetAsync(path, ct);
            firstSamples.Add(start, Stopwatch.GetTimestamp());
            start = Stopwatch.GetTimestamp();
            await second.GetAsync(path, ct);
            secondSamples.Add(start, Stopwatch.GetTimestamp());
        }
        var adminSummary = report.Add(adminSamples, "sequential, own keep-alive connection");
        var userSummary = report.Add(userSamples, "sequential, own keep-alive connection");
        var overhead = (userSummary.P50 - adminSummary.P50) / adminSummary.P50 * 100;
        report.Add("RBAC overhead on get p50", overhead, "%", "user p50 vs admin p50; negative means within noise");
        report.Target("RBAC overhead on get p50", Math.Max(0, overhead), 5, "%");
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Binding(string name, string kind, string role, string user) => Json($$"""
        {"metadata":{"name":"{{name}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"{{kind}}","name":"{{role}}"},
         "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"{{user}}"}]}
        """);

    /// <summary>The user's certificate from `axolotl kubeconfig --user`, as a user would get it.</summary>
    private async Task<ApiClient> UserClientAsync(BenchContext context, ServerProcess server, CancellationToken ct)
    {
        var file = Path.Combine(server.DataDir, "bench-reader.kubeconfig");
        using var process = Process.Start(new ProcessStartInfo(context.Options.ServerBinary)
        {
            ArgumentList = { "kubeconfig", "--user", User, "--data-dir", server.DataDir, "--out", file },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("cannot start axolotl kubeconfig");
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"axolotl kubeconfig failed: {await process.StandardError.ReadToEndAsync(ct)}");
        }
        string? cert = null, key = null;
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            cert ??= line.StartsWith("client-certificate-data:", StringComparison.Ordinal) ? line["client-certificate-data:".Length..].Trim() : null;
            key ??= line.StartsWith("client-key-data:", StringComparison.Ordinal) ? line["client-key-data:".Length..].Trim() : null;
        }
        using var pem = X509Certificate2.CreateFromPem(Decode(cert), Decode(key));
        // A persisted key, as TLS client authentication on Linux wants.
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        return new ApiClient(server.Kubeconfig, context.Http2, clientCertificate: certificate);
    }

    private static string Decode(string? base64) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(base64 ?? throw new InvalidDataException("kubeconfig lacks client certificate data")));

    /// <summary>The binding reaches the authorizer through a watch; the first allowed get ends the wait.</summary>
    private static async Task WaitForAccessAsync(ApiClient user, string path, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            try
            {
                await user.GetAsync(path, ct);
                return;
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(50, ct);
            }
        }
    }
}
