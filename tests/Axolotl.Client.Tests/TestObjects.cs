using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Client.Tests;

internal static class TestObjects
{
    public static ConfigMap ConfigMap(string name, string rv, string? uid = null, string ns = "default", Dictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, ResourceVersion = rv, Uid = uid ?? $"uid-{name}", Labels = labels },
    };

    /// <summary>A list item as servers send them: without apiVersion and kind.</summary>
    public static ConfigMap Bare(string name, string rv, string? uid = null)
    {
        var cm = ConfigMap(name, rv, uid);
        cm.ApiVersion = null;
        cm.Kind = null;
        return cm;
    }

    public static KubeClient Client(Axolotl.Testing.FakeHttpHandler handler) =>
        KubeClient.Create(new Uri("https://api.test:6443"), handler, bearerToken: "secret-token");
}
