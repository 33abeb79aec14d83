using System.Text;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Etcd;

/// <summary>
/// `axolotl server --datastore-endpoint`: kubectl works as on SQLite, and the objects sit in etcd where
/// kube-apiserver would put them, with resourceVersion = the key's mod_revision.
/// </summary>
public sealed class EtcdStoreTests(EtcdServerFixture fx) : IClassFixture<EtcdServerFixture>
{
    [Fact]
    public async Task Kubectl_create_get_and_delete_work_and_objects_live_under_registry()
    {
        var ns = await fx.NewNamespaceAsync("etcd-crud");
        await fx.Kubectl.OkAsync("create", "configmap", "settings", "--from-literal=color=blue", "-n", ns);
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx", "-n", ns);
        await fx.Kubectl.OkAsync("create", "service", "clusterip", "web", "--tcp=80:80", "-n", ns);

        var rv = (await fx.Kubectl.OkAsync("get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}")).Trim();
        var color = await fx.Kubectl.OkAsync("get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.color}");
        Assert.Equal("blue", color);

        var stored = await EtcdKeys.GetAsync(fx.Etcd.ClientUrl, $"/registry/configmaps/{ns}/settings");
        Assert.NotNull(stored);
        Assert.Equal(rv, stored.Value.ModRevision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("\"color\":\"blue\"", Encoding.UTF8.GetString(stored.Value.Value));
        Assert.NotNull(await EtcdKeys.GetAsync(fx.Etcd.ClientUrl, $"/registry/deployments/{ns}/web"));
        Assert.NotNull(await EtcdKeys.GetAsync(fx.Etcd.ClientUrl, $"/registry/services/specs/{ns}/web"));
        Assert.NotNull(await EtcdKeys.GetAsync(fx.Etcd.ClientUrl, $"/registry/namespaces/{ns}"));

        Assert.Contains($"store: etcd at {fx.Etcd.ClientUrl.ToString().TrimEnd('/')} under /registry/", fx.Server.Log);

        await fx.Kubectl.OkAsync("delete", "configmap", "settings", "-n", ns);

        Assert.Null(await EtcdKeys.GetAsync(fx.Etcd.ClientUrl, $"/registry/configmaps/{ns}/settings"));
        var gone = await fx.Kubectl.FailAsync("get", "configmap", "settings", "-n", ns);
        Assert.Contains("configmaps \"settings\" not found", gone);
    }

    [Fact]
    public async Task Secrets_are_encrypted_at_rest_in_etcd()
    {
        var ns = await fx.NewNamespaceAsync("etcd-secret");
        await fx.Kubectl.OkAsync("create", "secret", "generic", "db", "--from-literal=password=hunter2-etcd", "-n", ns);

        var stored = await EtcdKeys.GetAsync(fx.Etcd.ClientUrl, $"/registry/secrets/{ns}/db");

        Assert.NotNull(stored);
        var raw = Encoding.Latin1.GetString(stored.Value.Value);
        Assert.StartsWith("k8s:enc:aesgcm:v1:", raw);
        Assert.DoesNotContain("hunter2", raw);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("hunter2-etcd")), raw);
        Assert.Equal("hunter2-etcd", Encoding.UTF8.GetString(Convert.FromBase64String(
            await fx.Kubectl.OkAsync("get", "secret", "db", "-n", ns, "-o", "jsonpath={.data.password}"))));
    }

    [Fact]
    public async Task A_watch_streams_adds_updates_and_deletes_from_etcd()
    {
        var ns = await fx.NewNamespaceAsync("etcd-watch");
        await using var watcher = fx.Kubectl.Start("get", "configmaps", "-n", ns, "-w", "--output-watch-events");
        // Listed or watched, depending on when kubectl's watch opens: either way it shows up.
        await fx.Kubectl.OkAsync("create", "configmap", "probe", "-n", ns, "--from-literal=a=1");
        await watcher.WaitForStdoutAsync(o => o.Contains("probe", StringComparison.Ordinal), "the watch to show 'probe'");

        await fx.Kubectl.OkAsync("create", "configmap", "later", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("label", "configmap", "later", "tier=web", "-n", ns);
        await fx.Kubectl.OkAsync("delete", "configmap", "later", "-n", ns);

        var seen = await watcher.WaitForStdoutAsync(o => o.Contains("DELETED", StringComparison.Ordinal) && o.Contains("later", StringComparison.Ordinal), "DELETED later");
        var events = TableText.Lines(seen).Where(l => l.Contains(" later ", StringComparison.Ordinal)).Select(l => TableText.Cells(l)[0]).ToList();
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events);
        Assert.False(watcher.HasExited, "the watch ended on its own");
    }
}
