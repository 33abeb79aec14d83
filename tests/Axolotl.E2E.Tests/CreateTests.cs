using System.Text;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>Imperative `kubectl create` generators: kubectl's typed client sends these as protobuf.</summary>
[Collection(SharedServerFCollection.Name)]
public sealed class CreateTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Create_namespace_makes_an_active_namespace_labelled_with_its_name()
    {
        var ns = fx.UniqueName("created");

        Assert.Equal($"namespace/{ns} created\n", await fx.Kubectl.OkAsync("create", "namespace", ns));

        var table = await fx.Kubectl.OkAsync("get", "namespace", ns);
        Assert.Equal(["NAME", "STATUS", "AGE"], TableText.Header(table));
        Assert.Equal("Active", TableText.Row(table, ns)[1]);
        Assert.Equal(ns, await fx.Kubectl.OkAsync("get", "ns", ns, "-o", "jsonpath={.metadata.labels.kubernetes\\.io/metadata\\.name}"));
    }

    [Fact]
    public async Task Create_deployment_stores_image_replicas_and_port()
    {
        var ns = await fx.NewNamespaceAsync("create-deploy");

        var output = await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--replicas=3", "--port=80", "-n", ns);

        Assert.Equal("deployment.apps/web created\n", output);
        var fields = await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o",
            "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].name} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.selector.matchLabels.app}");
        Assert.Equal("3 nginx nginx:1.25 80 web", fields);
        var table = await fx.Kubectl.OkAsync("get", "deploy", "-n", ns);
        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], TableText.Header(table));
        // READY counts up as the deployment controller's pods start.
        Assert.Matches(@"^[0-3]/3$", TableText.Row(table, "web")[1]);
    }

    [Fact]
    public async Task Create_deployment_applies_upstream_defaults()
    {
        var ns = await fx.NewNamespaceAsync("create-defaults");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--port=80", "-n", ns);

        var fields = await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o",
            "jsonpath={.spec.replicas} {.spec.strategy.type} {.spec.strategy.rollingUpdate.maxSurge} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds} {.spec.template.spec.containers[0].ports[0].protocol} {.spec.template.spec.restartPolicy} {.spec.template.spec.containers[0].imagePullPolicy}");

        Assert.Equal("1 RollingUpdate 25% 10 600 TCP Always IfNotPresent", fields);
    }

    [Fact]
    public async Task Create_configmap_from_literals_stores_the_data()
    {
        var ns = await fx.NewNamespaceAsync("create-cm");

        var output = await fx.Kubectl.OkAsync("create", "configmap", "settings", "--from-literal=color=blue", "--from-literal=size=L", "-n", ns);

        Assert.Equal("configmap/settings created\n", output);
        Assert.Equal("blue L", await fx.Kubectl.OkAsync("get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.color} {.data.size}"));
        var table = await fx.Kubectl.OkAsync("get", "cm", "settings", "-n", ns);
        Assert.Equal(["NAME", "DATA", "AGE"], TableText.Header(table));
        Assert.Equal("2", TableText.Row(table, "settings")[1]);
    }

    [Fact]
    public async Task Create_secret_generic_stores_base64_data_of_type_opaque()
    {
        var ns = await fx.NewNamespaceAsync("create-secret");

        var output = await fx.Kubectl.OkAsync("create", "secret", "generic", "creds", "--from-literal=password=hunter2", "-n", ns);

        Assert.Equal("secret/creds created\n", output);
        var encoded = await fx.Kubectl.OkAsync("get", "secret", "creds", "-n", ns, "-o", "jsonpath={.data.password}");
        Assert.Equal("hunter2", Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
        var table = await fx.Kubectl.OkAsync("get", "secrets", "-n", ns);
        Assert.Equal(["NAME", "TYPE", "DATA", "AGE"], TableText.Header(table));
        Assert.Equal(["creds", "Opaque", "1"], TableText.Row(table, "creds")[..3]);
    }

    [Fact]
    public async Task Create_in_a_missing_namespace_is_not_found()
    {
        var output = await fx.Kubectl.FailAsync("create", "configmap", "orphan", "--from-literal=a=b", "-n", "no-such-namespace");

        Assert.Contains("error: failed to create configmap: namespaces \"no-such-namespace\" not found", output);
    }
}
