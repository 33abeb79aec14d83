using System.Text;
using Axolotl.Agent.Pods;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Tests.Pods;

public sealed class EnvResolverTests
{
    private static Pod Pod() => new()
    {
        Metadata = new()
        {
            Name = "web-1",
            Namespace = "shop",
            Uid = "uid-1",
            Labels = new() { ["app"] = "web" },
            Annotations = new() { ["team"] = "blue" },
        },
        Spec = new PodSpec { NodeName = "node-a", ServiceAccountName = "default" },
        Status = new PodStatus { PodIP = "10.244.0.7", HostIP = "192.168.0.2" },
    };

    private static EnvVar FieldRef(string name, string path) => new() { Name = name, ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = path } } };

    [Fact]
    public async Task Field_references_resolve_from_the_pod()
    {
        var container = new Container
        {
            Name = "app",
            Env =
            [
                FieldRef("NAME", "metadata.name"),
                FieldRef("NS", "metadata.namespace"),
                FieldRef("UID", "metadata.uid"),
                FieldRef("APP", "metadata.labels['app']"),
                FieldRef("TEAM", "metadata.annotations['team']"),
                FieldRef("IP", "status.podIP"),
                FieldRef("NODE", "spec.nodeName"),
                FieldRef("HOST", "status.hostIP"),
            ],
        };
        var env = await new EnvResolver(new FakeConfigSource()).ResolveAsync(Pod(), container, CancellationToken.None);

        Assert.Equal("web-1", env["NAME"]);
        Assert.Equal("shop", env["NS"]);
        Assert.Equal("uid-1", env["UID"]);
        Assert.Equal("web", env["APP"]);
        Assert.Equal("blue", env["TEAM"]);
        Assert.Equal("10.244.0.7", env["IP"]);
        Assert.Equal("node-a", env["NODE"]);
        Assert.Equal("192.168.0.2", env["HOST"]);
    }

    [Fact]
    public async Task ConfigMap_and_Secret_keys_resolve_and_values_expand_earlier_variables()
    {
        var source = new FakeConfigSource();
        source.ConfigMaps["cfg"] = new ConfigMap { Data = new() { ["mode"] = "fast" } };
        source.Secrets["sec"] = new Secret { Data = new() { ["password"] = Encoding.UTF8.GetBytes("hunter2") } };
        var container = new Container
        {
            Name = "app",
            Env =
            [
                new EnvVar { Name = "MODE", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cfg", Key = "mode" } } },
                new EnvVar { Name = "PASS", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "sec", Key = "password" } } },
                new EnvVar { Name = "URL", Value = "db?mode=$(MODE)&x=$(UNKNOWN)&cost=$$5" },
            ],
        };
        var env = await new EnvResolver(source).ResolveAsync(Pod(), container, CancellationToken.None);

        Assert.Equal("fast", env["MODE"]);
        Assert.Equal("hunter2", env["PASS"]);
        Assert.Equal("db?mode=fast&x=$(UNKNOWN)&cost=$5", env["URL"]);
    }

    [Fact]
    public async Task A_missing_ConfigMap_key_fails_with_upstreams_message()
    {
        var source = new FakeConfigSource();
        source.ConfigMaps["cfg"] = new ConfigMap { Data = new() { ["other"] = "x" } };
        var container = new Container
        {
            Name = "app",
            Env = [new EnvVar { Name = "MODE", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cfg", Key = "mode" } } }],
        };

        var ex = await Assert.ThrowsAsync<ContainerConfigException>(() => new EnvResolver(source).ResolveAsync(Pod(), container, CancellationToken.None));
        Assert.Equal("couldn't find key mode in ConfigMap shop/cfg", ex.Message);
    }

    [Fact]
    public async Task A_missing_ConfigMap_or_Secret_fails_with_not_found_unless_optional()
    {
        var missingCm = new Container
        {
            Name = "app",
            Env = [new EnvVar { Name = "A", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "nope", Key = "k" } } }],
        };
        var missingSecret = new Container
        {
            Name = "app",
            Env = [new EnvVar { Name = "A", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "gone", Key = "k" } } }],
        };
        var optional = new Container
        {
            Name = "app",
            Env = [new EnvVar { Name = "A", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "gone", Key = "k", Optional = true } } }],
        };
        var resolver = new EnvResolver(new FakeConfigSource());

        Assert.Equal("configmap \"nope\" not found", (await Assert.ThrowsAsync<ContainerConfigException>(() => resolver.ResolveAsync(Pod(), missingCm, CancellationToken.None))).Message);
        Assert.Equal("secret \"gone\" not found", (await Assert.ThrowsAsync<ContainerConfigException>(() => resolver.ResolveAsync(Pod(), missingSecret, CancellationToken.None))).Message);
        Assert.Empty(await resolver.ResolveAsync(Pod(), optional, CancellationToken.None));
    }

    [Fact]
    public async Task EnvFrom_imports_every_key_with_its_prefix_and_env_overrides_it()
    {
        var source = new FakeConfigSource();
        source.ConfigMaps["cfg"] = new ConfigMap { Data = new() { ["A"] = "1", ["B"] = "2" } };
        var container = new Container
        {
            Name = "app",
            EnvFrom = [new EnvFromSource { Prefix = "CFG_", ConfigMapRef = new ConfigMapEnvSource { Name = "cfg" } }],
            Env = [new EnvVar { Name = "CFG_B", Value = "override" }],
        };
        var env = await new EnvResolver(source).ResolveAsync(Pod(), container, CancellationToken.None);

        Assert.Equal("1", env["CFG_A"]);
        Assert.Equal("override", env["CFG_B"]);
    }
}
