using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using TestConversionWebhook = Axolotl.Testing.TestConversionWebhook;
using TestWebhookServer = Axolotl.Testing.TestWebhookServer;

namespace Axolotl.E2E.Tests.CustomResources;

/// <summary>
/// A CRD whose v2 joins v1's host and port into one hostPort field, converted by a webhook the test serves
/// over HTTPS on loopback (its test CA in the caBundle), driven by the real kubectl: objects written at one
/// version read at the other, lists and watches at v2, and a stopped webhook failing v2 reads with
/// upstream's message while v1 (the storage version) still reads; a server-side dry run converts as the create it rehearses.
/// </summary>
[Collection(SharedServerDCollection.Name)]
public sealed class CustomResourceConversionWebhookTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string Definition(string group, TestWebhookServer server) => """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: backends.GROUP
        spec:
          group: GROUP
          scope: Namespaced
          names: {plural: backends, singular: backend, kind: Backend}
          conversion:
            strategy: Webhook
            webhook:
              conversionReviewVersions: ["v1"]
              clientConfig:
                url: URL
                caBundle: CA
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      host: {type: string}
                      port: {type: integer}
          - name: v2
            served: true
            storage: false
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      hostPort: {type: string}
        """.Replace("GROUP", group, StringComparison.Ordinal).Replace("URL", server.Url("/convert"), StringComparison.Ordinal)
            .Replace("CA", server.CaBundle, StringComparison.Ordinal);

    private static string Backend(string group, string version, string name, string spec) =>
        $"apiVersion: {group}/{version}\nkind: Backend\nmetadata:\n  name: {name}\nspec: {spec}\n";

    [Fact]
    public async Task Objects_written_at_one_version_read_list_and_watch_at_the_other_and_a_stopped_webhook_fails_only_the_other()
    {
        const string group = "conversion.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-conversion");
        var server = await TestWebhookServer.StartAsync((ctx, review) => TestConversionWebhook.Convert(ctx, review, TestConversionWebhook.HostPort));
        try
        {
            await fx.Kubectl.OkWithInputAsync(Definition(group, server), "apply", "-f", "-");
            await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/backends.{group}");
            var v1 = $"backends.v1.{group}";
            var v2 = $"backends.v2.{group}";

            await fx.Kubectl.OkWithInputAsync(Backend(group, "v1", "db", "{host: db.internal, port: 5432}"), "apply", "-n", ns, "-f", "-");
            var yaml = await fx.Kubectl.OkAsync("get", v2, "db", "-n", ns, "-o", "yaml");
            Assert.Contains($"apiVersion: {group}/v2", yaml, StringComparison.Ordinal);
            Assert.Contains("hostPort: db.internal:5432", yaml, StringComparison.Ordinal);
            Assert.DoesNotContain("port: 5432", yaml.Replace("hostPort", "", StringComparison.Ordinal), StringComparison.Ordinal);

            // Written at v2, stored at the storage version v1 and read back there.
            await fx.Kubectl.OkWithInputAsync(Backend(group, "v2", "cache", "{hostPort: \"cache.internal:6379\"}"), "apply", "-n", ns, "-f", "-");
            Assert.Equal("cache.internal/6379", await fx.Kubectl.OkAsync("get", v1, "cache", "-n", ns, "-o", "jsonpath={.spec.host}/{.spec.port}"));
            Assert.Equal("cache.internal:6379 db.internal:5432", (await fx.Kubectl.OkAsync("get", v2, "-n", ns, "-o", "jsonpath={range .items[*]}{.spec.hostPort} {end}")).Trim());
            // A server-side dry run at v2 goes through the webhook to v1 and back, as the create it rehearses, and stores nothing.
            Assert.Equal("dry.internal:1", await fx.Kubectl.OkWithInputAsync(Backend(group, "v2", "dry", "{hostPort: \"dry.internal:1\"}"),
                "create", "--dry-run=server", "-n", ns, "-f", "-", "-o", "jsonpath={.spec.hostPort}"));
            Assert.Contains("NotFound", await fx.Kubectl.FailAsync("get", v2, "dry", "-n", ns));

            await using (var watcher = fx.Kubectl.Start("get", v2, "-n", ns, "-w", "-o", "jsonpath={.metadata.name}={.spec.hostPort}{\"\\n\"}"))
            {
                await watcher.WaitForStdoutAsync(o => o.Contains("cache=cache.internal:6379", StringComparison.Ordinal), "the watch's initial v2 objects");
                await fx.Kubectl.OkWithInputAsync(Backend(group, "v1", "queue", "{host: mq.internal, port: 5672}"), "apply", "-n", ns, "-f", "-");
                await watcher.WaitForStdoutAsync(o => o.Contains("queue=mq.internal:5672", StringComparison.Ordinal), "a v1 write watched at v2");
            }

            var port = server.Port;
            await server.DisposeAsync();
            var failed = await fx.Kubectl.FailAsync("get", v2, "db", "-n", ns);
            Assert.Contains($"Error from server: conversion webhook for {group}/v1, Kind=Backend failed: Post \"https://127.0.0.1:{port}/convert?timeout=30s\": dial tcp 127.0.0.1:{port}: connect: connection refused", failed, StringComparison.Ordinal);
            Assert.Equal("db.internal", await fx.Kubectl.OkAsync("get", v1, "db", "-n", ns, "-o", "jsonpath={.spec.host}"));
            // With the webhook gone, a dry-run create at v2 fails as the real create would (it used to skip the conversion).
            var dryRun = await fx.Kubectl.FailWithInputAsync(Backend(group, "v2", "dry", "{hostPort: \"dry.internal:1\"}"), "create", "--dry-run=server", "-n", ns, "-f", "-");
            Assert.Contains($"conversion webhook for {group}/v2, Kind=Backend failed", dryRun, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            await fx.Kubectl.RunAsync("delete", "crd", $"backends.{group}", "--ignore-not-found", "--timeout", "60s");
        }
    }
}
