using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>Client-side `kubectl apply`: create, no-op, three-way patch, and field validation.</summary>
[Collection(SharedServerACollection.Name)]
public sealed class ApplyTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string Stack(string ns, string image, bool tierLabel, string strategy) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {ns}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: {ns}
        data:
          color: blue
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {ns}
          labels:
            app: web
        {(tierLabel ? "    tier: frontend" : "")}
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          strategy:
            type: {strategy}
        {(strategy == "RollingUpdate" ? "    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}" : "")}
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: {image}
                ports:
                - containerPort: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: {ns}
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 80
        """;

    [Fact]
    public async Task Apply_creates_then_leaves_unchanged_then_configures_a_multi_document_file()
    {
        var ns = fx.UniqueName("apply");
        var file = fx.WriteFile("stack.yaml", Stack(ns, "nginx:1.25", tierLabel: true, "RollingUpdate"));

        var created = await fx.Kubectl.OkAsync("apply", "-f", file);
        Assert.Equal(
            [$"namespace/{ns} created", "configmap/settings created", "deployment.apps/web created", "service/web created"],
            TableText.Lines(created));

        var unchanged = await fx.Kubectl.OkAsync("apply", "-f", file);
        Assert.Equal(
            [$"namespace/{ns} unchanged", "configmap/settings unchanged", "deployment.apps/web unchanged", "service/web unchanged"],
            TableText.Lines(unchanged));

        var changed = fx.WriteFile("stack-v2.yaml", Stack(ns, "nginx:1.26", tierLabel: false, "Recreate"));
        var configured = await fx.Kubectl.OkAsync("apply", "-f", changed);
        Assert.Equal(
            [$"namespace/{ns} unchanged", "configmap/settings unchanged", "deployment.apps/web configured", "service/web unchanged"],
            TableText.Lines(configured));

        var yaml = await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "yaml");
        Assert.Contains("image: nginx:1.26", yaml);
        Assert.DoesNotContain("nginx:1.25", yaml);
        Assert.DoesNotContain("tier", yaml);
        Assert.Contains("type: Recreate", yaml);
        Assert.DoesNotContain("rollingUpdate", yaml);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", yaml);

        Assert.Equal("2", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.generation}"));
        Assert.Equal("{\"app\":\"web\"}", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.labels}"));
    }

    [Fact]
    public async Task Apply_from_stdin_creates_and_a_second_apply_removes_a_deleted_data_key()
    {
        var ns = await fx.NewNamespaceAsync("apply-stdin");
        const string Two = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n  b: \"2\"\n";
        const string One = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n";

        Assert.Equal("configmap/cfg created\n", await fx.Kubectl.OkWithInputAsync(Two, "apply", "-n", ns, "-f", "-"));
        Assert.Equal("configmap/cfg configured\n", await fx.Kubectl.OkWithInputAsync(One, "apply", "-n", ns, "-f", "-"));

        Assert.Equal("{\"a\":\"1\"}", await fx.Kubectl.OkAsync("get", "cm", "cfg", "-n", ns, "-o", "jsonpath={.data}"));
    }

    [Fact]
    public async Task Apply_over_an_object_made_by_create_warns_about_the_missing_annotation_and_configures_it()
    {
        var ns = await fx.NewNamespaceAsync("apply-adopt");
        await fx.Kubectl.OkAsync("create", "configmap", "made", "-n", ns, "--from-literal=k=v1");

        var result = await fx.Kubectl.RunAsync(["apply", "-n", ns, "-f", "-"], "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: made\ndata:\n  k: v2\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("configmap/made configured\n", result.Stdout);
        Assert.Contains("missing the kubectl.kubernetes.io/last-applied-configuration annotation", result.Stderr);
        Assert.Equal("v2", await fx.Kubectl.OkAsync("get", "cm", "made", "-n", ns, "-o", "jsonpath={.data.k}"));
    }

    private static string TypoDeployment(string name) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
        spec:
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: nginx
                image: nginx:1.25
                imagee: nginx:1.26
        """;

    [Fact]
    public async Task Apply_rejects_an_unknown_field_and_accepts_it_with_validation_off()
    {
        var ns = await fx.NewNamespaceAsync("apply-typo");
        var file = fx.WriteFile("typo.yaml", TypoDeployment("typo"));

        var rejected = await fx.Kubectl.FailAsync("apply", "-n", ns, "-f", file);
        Assert.Contains("unknown field \"spec.template.spec.containers[0].imagee\"", rejected);
        Assert.Contains("Error from server (BadRequest)", rejected);
        await AssertNotFoundAsync(ns, "deployment", "typo");

        var accepted = await fx.Kubectl.OkAsync("apply", "--validate=false", "-n", ns, "-f", file);
        Assert.Equal("deployment.apps/typo created\n", accepted);
        Assert.Equal("nginx:1.25", await fx.Kubectl.OkAsync("get", "deploy", "typo", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
    }

    [Fact]
    public async Task Apply_with_validate_warn_creates_the_object_and_prints_the_warning()
    {
        var ns = await fx.NewNamespaceAsync("apply-warn");
        var file = fx.WriteFile("typo.yaml", TypoDeployment("warned"));

        var result = await fx.Kubectl.RunAsync("apply", "--validate=warn", "-n", ns, "-f", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("deployment.apps/warned created\n", result.Stdout);
        Assert.Contains("Warning: unknown field \"spec.template.spec.containers[0].imagee\"", result.Stderr);
    }

    private async Task AssertNotFoundAsync(string ns, string kind, string name)
    {
        var output = await fx.Kubectl.FailAsync("get", kind, name, "-n", ns);
        Assert.Contains("(NotFound)", output);
    }
}
