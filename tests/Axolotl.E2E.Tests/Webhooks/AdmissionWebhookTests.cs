using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using Microsoft.AspNetCore.Http;
using TestWebhookServer = Axolotl.Testing.TestWebhookServer;

namespace Axolotl.E2E.Tests.Webhooks;

/// <summary>
/// Admission webhooks on loopback, configured and exercised with the real kubectl against the real server.
/// Each configuration selects only its test's namespace (by a label), so tests sharing the server never meet it.
/// </summary>
[Collection(SharedServerCCollection.Name)]
public sealed class AdmissionWebhookTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string Configuration(string kind, string name, string ns, string webhooks) => $"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: {kind}
        metadata:
          name: {name}
        webhooks:
        {webhooks}
        """;

    private static string Webhook(string name, string url, string caBundle, string ns, string extra = "") => $"""
        - name: {name}
          clientConfig:
            url: {url}
            caBundle: {caBundle}
          rules:
          - operations: ["CREATE"]
            apiGroups: [""]
            apiVersions: ["v1"]
            resources: ["configmaps"]
          namespaceSelector:
            matchLabels:
              webhook-test: {ns}
          sideEffects: None
          admissionReviewVersions: ["v1"]
        {extra}
        """;

    private async Task<string> LabelledNamespaceAsync(string prefix)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await fx.Kubectl.OkAsync("label", "namespace", ns, $"webhook-test={ns}");
        return ns;
    }

    /// <summary>Server dry runs until <paramref name="server"/> hears one: from then on the server's cache has the configuration.</summary>
    private async Task UntilCalledAsync(TestWebhookServer server, string ns)
    {
        await Eventually.UntilAsync(async () =>
        {
            await fx.Kubectl.RunAsync("create", "configmap", "probe", "--dry-run=server", "-n", ns);
            return server.Received.Any(r => r.Review["request"]!["namespace"]?.GetValue<string>() == ns);
        }, heard => heard, "the webhook configuration to reach the server's admission cache");
    }

    [Fact]
    public async Task A_validating_webhook_refuses_a_config_map_and_kubectl_shows_its_message()
    {
        var ns = await LabelledNamespaceAsync("webhook-deny");
        await using var server = await TestWebhookServer.StartAsync((ctx, review) =>
            review["request"]!["name"]?.GetValue<string>() == "bad"
                ? TestWebhookServer.Deny(ctx, review, 403, "configmaps named bad are not welcome")
                : TestWebhookServer.Allow(ctx, review, warnings: "checked by the test webhook"));
        var name = fx.UniqueName("deny");
        await fx.Kubectl.OkWithInputAsync(Configuration("ValidatingWebhookConfiguration", name, ns,
            Webhook("deny.axolotl.test", server.Url("/validate"), server.CaBundle, ns)), "apply", "-f", "-");
        try
        {
            await UntilCalledAsync(server, ns);

            var refused = await fx.Kubectl.FailAsync("create", "configmap", "bad", "--from-literal=a=b", "-n", ns);
            Assert.Contains("admission webhook \"deny.axolotl.test\" denied the request: configmaps named bad are not welcome", refused);

            var allowed = await fx.Kubectl.RunAsync("create", "configmap", "good", "--from-literal=a=b", "-n", ns);
            Assert.Equal(0, allowed.ExitCode);
            Assert.Contains("Warning: checked by the test webhook", allowed.Stderr);
            Assert.Contains("configmap/good created", allowed.Stdout);
            Assert.Contains(name, await fx.Kubectl.OkAsync("get", "validatingwebhookconfigurations"));
        }
        finally
        {
            await fx.Kubectl.OkAsync("delete", "validatingwebhookconfiguration", name);
        }
    }

    [Fact]
    public async Task A_mutating_webhook_adds_a_label()
    {
        var ns = await LabelledNamespaceAsync("webhook-label");
        await using var server = await TestWebhookServer.StartAsync((ctx, review) =>
            TestWebhookServer.Allow(ctx, review, """[{"op":"add","path":"/metadata/labels","value":{"stamped-by":"webhook"}}]"""));
        var name = fx.UniqueName("stamp");
        await fx.Kubectl.OkWithInputAsync(Configuration("MutatingWebhookConfiguration", name, ns,
            Webhook("stamp.axolotl.test", server.Url("/mutate"), server.CaBundle, ns)), "apply", "-f", "-");
        try
        {
            await UntilCalledAsync(server, ns);

            await fx.Kubectl.OkAsync("create", "configmap", "stamped", "--from-literal=a=b", "-n", ns);

            Assert.Equal("webhook", await fx.Kubectl.OkAsync("get", "configmap", "stamped", "-n", ns, "-o", "jsonpath={.metadata.labels.stamped-by}"));
        }
        finally
        {
            await fx.Kubectl.OkAsync("delete", "mutatingwebhookconfiguration", name);
        }
    }

    [Fact]
    public async Task A_webhook_that_is_down_or_times_out_is_skipped_with_ignore_and_refuses_with_fail()
    {
        var ns = await LabelledNamespaceAsync("webhook-failure");
        await using var server = await TestWebhookServer.StartAsync(async (ctx, review) =>
        {
            if (ctx.Request.Path.Value == "/slow")
            {
                // Longer than the webhook's timeoutSeconds; the server gives up first.
                await Task.Delay(TimeSpan.FromSeconds(4), TimeProvider.System, ctx.RequestAborted);
            }
            await TestWebhookServer.Allow(ctx, review);
        });
        var downUrl = $"https://127.0.0.1:{LoopbackPorts.Free()}/down";
        var name = fx.UniqueName("failing");
        string Hooks(string policy) =>
            Webhook("witness.axolotl.test", server.Url("/witness"), server.CaBundle, ns) +
            Webhook("down.axolotl.test", downUrl, server.CaBundle, ns, $"  failurePolicy: {policy}\n") +
            Webhook("slow.axolotl.test", server.Url("/slow"), server.CaBundle, ns, $"  failurePolicy: {policy}\n  timeoutSeconds: 1\n");
        await fx.Kubectl.OkWithInputAsync(Configuration("ValidatingWebhookConfiguration", name, ns, Hooks("Ignore")), "apply", "-f", "-");
        try
        {
            await UntilCalledAsync(server, ns);
            Assert.Contains("configmap/ignored created", await fx.Kubectl.OkAsync("create", "configmap", "ignored", "--from-literal=a=b", "-n", ns));

            await fx.Kubectl.OkWithInputAsync(Configuration("ValidatingWebhookConfiguration", name, ns, Hooks("Fail")), "apply", "-f", "-");
            var refused = await Eventually.UntilAsync(
                () => fx.Kubectl.RunAsync("create", "configmap", fx.UniqueName("refused"), "--from-literal=a=b", "-n", ns),
                r => r.ExitCode != 0, "the Fail policy to refuse");
            // The first failing webhook in the configuration's order is the answer.
            Assert.Contains($"Internal error occurred: failed calling webhook \"down.axolotl.test\": failed to call webhook: Post \"{downUrl}?timeout=10s\": dial tcp", refused.Stderr);
            Assert.Contains("connect: connection refused", refused.Stderr);

            // With the unreachable webhook gone, the slow one's timeout is the answer.
            await fx.Kubectl.OkWithInputAsync(Configuration("ValidatingWebhookConfiguration", name, ns,
                Webhook("witness.axolotl.test", server.Url("/witness"), server.CaBundle, ns) +
                Webhook("slow.axolotl.test", server.Url("/slow"), server.CaBundle, ns, "  failurePolicy: Fail\n  timeoutSeconds: 1\n")), "apply", "-f", "-");
            var timedOut = await Eventually.UntilAsync(
                () => fx.Kubectl.RunAsync("create", "configmap", fx.UniqueName("slow"), "--from-literal=a=b", "-n", ns),
                r => r.Stderr.Contains("slow.axolotl.test", StringComparison.Ordinal), "the slow webhook to refuse");
            Assert.Contains($"failed calling webhook \"slow.axolotl.test\": failed to call webhook: Post \"{server.Url("/slow")}?timeout=1s\": context deadline exceeded", timedOut.Stderr);
        }
        finally
        {
            await fx.Kubectl.OkAsync("delete", "validatingwebhookconfiguration", name);
        }
    }
}
