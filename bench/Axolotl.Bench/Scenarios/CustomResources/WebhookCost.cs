using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Testing;

namespace Axolotl.Bench.Scenarios.CustomResources;

/// <summary>
/// What admission webhooks add to a request: a validating webhook and a mutating one (a JSON patch adding a label),
/// served over HTTPS on loopback by the tests' webhook server (Kestrel, a CA of its own in caBundle), both
/// failurePolicy Fail. Three namespaces differ only in a label the webhooks' namespaceSelectors read: none matches,
/// the validating webhook matches, both match. ConfigMap creates rotate among the three, round by round, over the
/// same connection; the differences of the percentiles from the namespace without webhooks are the added cost.
/// The webhook server's count of calls proves every create in a matching namespace went through it.
/// </summary>
internal static class WebhookCost
{
    private const string Label = "bench-webhook";
    private const string ValidatingName = "bench-validate";
    private const string MutatingName = "bench-mutate";
    private static readonly (string Ns, string Value, string Series)[] Namespaces =
    [
        ("bench-wh-none", "none", "create ConfigMap, no webhook matches"),
        ("bench-wh-validate", "validate", "create ConfigMap, a validating webhook"),
        ("bench-wh-both", "both", "create ConfigMap, a mutating (JSON patch) and a validating webhook"),
    ];

    public static IEnumerable<string> ConfigurationPaths =>
    [
        $"/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/{ValidatingName}",
        $"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{MutatingName}",
    ];

    public static IEnumerable<string> NamespacePaths => Namespaces.Select(n => $"/api/v1/namespaces/{n.Ns}");

    public static async Task RunAsync(BenchContext context, ApiClient api, ScenarioReport report, int rounds, CancellationToken ct)
    {
        await using var webhook = await TestWebhookServer.StartAsync((http, review) => http.Request.Path.Value == "/mutate"
            ? TestWebhookServer.Allow(http, review, """[{"op":"add","path":"/metadata/labels/stamped-by","value":"bench-webhook"}]""")
            : TestWebhookServer.Allow(http, review));
        foreach (var (ns, value, _) in Namespaces)
        {
            await api.CreateAsync("/api/v1/namespaces", Json($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}","labels":{"{{{Label}}}":"{{{value}}}"} } }"""), ct);
        }
        await api.CreateAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
            Configuration("ValidatingWebhookConfiguration", ValidatingName, "validate.bench.axolotl.dev", webhook.Url("/validate"), webhook.CaBundle, ["validate", "both"]), ct);
        await api.CreateAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            Configuration("MutatingWebhookConfiguration", MutatingName, "mutate.bench.axolotl.dev", webhook.Url("/mutate"), webhook.CaBundle, ["both"]), ct);
        var active = await UntilActiveAsync(api, webhook, ct);
        report.Add("webhook configuration created → first call", active, "ms", "creates in the namespace both match, until both webhooks are called and the patch shows");
        await WarmUpAsync(api, ct);

        var samples = Namespaces.Select(n => new LatencySamples(n.Series)).ToArray();
        var calledBefore = Calls(webhook);
        for (var i = 0; i < rounds; i++)
        {
            var name = WidgetManifests.Name(i);
            for (var k = 0; k < Namespaces.Length; k++)
            {
                var which = (i + k) % Namespaces.Length;
                var ns = Namespaces[which].Ns;
                var body = WidgetManifests.ConfigMap(ns, name, 0);
                var start = Stopwatch.GetTimestamp();
                await api.CreateAsync(WidgetManifests.ConfigMapsPath(ns), body, ct);
                samples[which].Add(start, Stopwatch.GetTimestamp());
            }
        }
        var called = Calls(webhook);
        var validations = called.Validate - calledBefore.Validate;
        var mutations = called.Mutate - calledBefore.Mutate;
        if (validations != 2 * rounds || mutations != rounds)
        {
            throw new InvalidOperationException($"want {2 * rounds} validating and {rounds} mutating webhook calls, got {validations} and {mutations}");
        }

        const string note = "sequential, rotating among the three namespaces; webhook on 127.0.0.1, failurePolicy Fail";
        var none = report.Add(samples[0], note);
        var validating = report.Add(samples[1], note);
        var both = report.Add(samples[2], note);
        report.Add("a validating webhook adds, p50", validating.P50 - none.P50, "ms", "per create, vs the namespace no webhook matches");
        report.Add("a validating webhook adds, p99", validating.P99 - none.P99, "ms");
        report.Add("mutating + validating webhooks add, p50", both.P50 - none.P50, "ms");
        report.Add("mutating + validating webhooks add, p99", both.P99 - none.P99, "ms");
        report.Notes.Add($"webhook calls counted by the webhook server: {validations} validating, {mutations} mutating, as expected; the test server parses each AdmissionReview into a JsonObject and answers with a fresh one, so its own work is part of the cost");
        context.Log($"custom-resources: webhooks add {validating.P50 - none.P50:F2} ms (validating) and {both.P50 - none.P50:F2} ms (both) at p50");
    }

    private static byte[] Configuration(string kind, string name, string webhookName, string url, string caBundle, string[] namespaceValues) => Json($$$"""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}"},
        "webhooks":[{"name":"{{{webhookName}}}","clientConfig":{"url":"{{{url}}}","caBundle":"{{{caBundle}}}"},
        "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],
        "namespaceSelector":{"matchExpressions":[{"key":"{{{Label}}}","operator":"In","values":{{{JsonSerializer.Serialize(namespaceValues)}}}}]},
        "failurePolicy":"Fail","sideEffects":"None","timeoutSeconds":5,"admissionReviewVersions":["v1"]}]}
        """.ReplaceLineEndings(""));

    /// <summary>Webhook configurations reach the admission chain through a watch: create until both are called and the patch shows.</summary>
    private static async Task<double> UntilActiveAsync(ApiClient api, TestWebhookServer webhook, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var both = Namespaces[2].Ns;
        for (var i = 0; ; i++)
        {
            var answer = await api.CreateAsync(WidgetManifests.ConfigMapsPath(both), WidgetManifests.ConfigMap(both, $"probe-{i}", 0), ct);
            var calls = Calls(webhook);
            if (calls.Validate > 0 && calls.Mutate > 0)
            {
                if (!Stamped(answer))
                {
                    throw new InvalidOperationException("the mutating webhook was called but its label is missing from the created ConfigMap");
                }
                return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the webhook configurations did not reach the admission chain within 30 s");
            }
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Warms the webhook client's pooled connection and the three namespaces' paths (not counted).</summary>
    private static async Task WarmUpAsync(ApiClient api, CancellationToken ct)
    {
        for (var i = 0; i < 50; i++)
        {
            foreach (var (ns, _, _) in Namespaces)
            {
                await api.CreateAsync(WidgetManifests.ConfigMapsPath(ns), WidgetManifests.ConfigMap(ns, $"warmup-{i}", 0), ct);
            }
        }
    }

    private static (int Validate, int Mutate) Calls(TestWebhookServer webhook)
    {
        var received = webhook.Received.ToArray();
        return (received.Count(r => r.Path.StartsWith("/validate", StringComparison.Ordinal)), received.Count(r => r.Path.StartsWith("/mutate", StringComparison.Ordinal)));
    }

    private static bool Stamped(byte[] configMap)
    {
        using var doc = JsonDocument.Parse(configMap);
        return doc.RootElement.GetProperty("metadata").TryGetProperty("labels", out var labels)
            && labels.TryGetProperty("stamped-by", out var value) && value.GetString() == "bench-webhook";
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
