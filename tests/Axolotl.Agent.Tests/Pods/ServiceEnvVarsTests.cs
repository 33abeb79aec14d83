using Axolotl.Agent.Pods;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Agent.Tests.Pods;

public sealed class ServiceEnvVarsTests
{
    private static Service Svc(string ns, string name, string? clusterIp, params ServicePort[] ports) => new()
    {
        Metadata = new ObjectMeta { Namespace = ns, Name = name },
        Spec = new ServiceSpec { ClusterIP = clusterIp, Ports = [.. ports] },
    };

    private static readonly Service Kubernetes = Svc("default", "kubernetes", "10.96.0.1", new ServicePort { Name = "https", Port = 443, Protocol = "TCP" });

    [Fact]
    public void A_service_gets_the_kubelets_variables_in_upstreams_order()
    {
        var web = Svc("apps", "my-web", "10.96.0.20", new ServicePort { Name = "http", Port = 80 }, new ServicePort { Name = "dns-udp", Port = 53, Protocol = "UDP" });

        var vars = ServiceEnvVars.FromService(web).ToList();

        Assert.Equal(
        [
            new("MY_WEB_SERVICE_HOST", "10.96.0.20"),
            new("MY_WEB_SERVICE_PORT", "80"),
            new("MY_WEB_SERVICE_PORT_HTTP", "80"),
            new("MY_WEB_SERVICE_PORT_DNS_UDP", "53"),
            new("MY_WEB_PORT", "tcp://10.96.0.20:80"),
            new("MY_WEB_PORT_80_TCP", "tcp://10.96.0.20:80"),
            new("MY_WEB_PORT_80_TCP_PROTO", "tcp"),
            new("MY_WEB_PORT_80_TCP_PORT", "80"),
            new("MY_WEB_PORT_80_TCP_ADDR", "10.96.0.20"),
            new("MY_WEB_PORT_53_UDP", "udp://10.96.0.20:53"),
            new("MY_WEB_PORT_53_UDP_PROTO", "udp"),
            new("MY_WEB_PORT_53_UDP_PORT", "53"),
            new("MY_WEB_PORT_53_UDP_ADDR", "10.96.0.20"),
        ], vars);
    }

    [Fact]
    public void The_kubernetes_service_reaches_every_namespace_other_services_only_their_own_with_links_enabled()
    {
        var services = new[]
        {
            Kubernetes,
            Svc("apps", "web", "10.96.0.20", new ServicePort { Port = 80 }),
            Svc("other", "db", "10.96.0.30", new ServicePort { Port = 5432 }),
            Svc("apps", "headless", "None", new ServicePort { Port = 80 }),
            Svc("apps", "external", null),
        };

        var linked = ServiceEnvVars.ForPod(services, "apps", enableServiceLinks: true).ToDictionary();
        var unlinked = ServiceEnvVars.ForPod(services, "apps", enableServiceLinks: false).ToDictionary();

        Assert.Equal("10.96.0.1", linked["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("443", linked["KUBERNETES_SERVICE_PORT"]);
        Assert.Equal("443", linked["KUBERNETES_SERVICE_PORT_HTTPS"]);
        Assert.Equal("10.96.0.20", linked["WEB_SERVICE_HOST"]);
        Assert.DoesNotContain(linked.Keys, k => k.StartsWith("DB_", StringComparison.Ordinal) || k.StartsWith("HEADLESS_", StringComparison.Ordinal) || k.StartsWith("EXTERNAL_", StringComparison.Ordinal));
        Assert.Equal("10.96.0.1", unlinked["KUBERNETES_SERVICE_HOST"]);
        Assert.DoesNotContain("WEB_SERVICE_HOST", unlinked.Keys);
    }

    [Fact]
    public async Task The_containers_own_variables_win_and_may_refer_to_the_services()
    {
        var pod = new Pod { Metadata = new ObjectMeta { Namespace = "apps", Name = "p" }, Spec = new PodSpec() };
        var container = new Container
        {
            Name = "c",
            Env = [new EnvVar { Name = "KUBERNETES_SERVICE_PORT", Value = "8443" }, new EnvVar { Name = "API", Value = "https://$(KUBERNETES_SERVICE_HOST)" }],
        };
        var resolver = new EnvResolver(new FakeConfigSource()) { Services = null };
        var withoutServices = await resolver.ResolveAsync(pod, container, CancellationToken.None);

        var services = ServiceEnvVars.ForPod([Kubernetes], "apps", true);
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = services.ToDictionary();
        foreach (var env in container.Env)
        {
            merged[env.Name] = EnvResolver.Expand(env.Value!, lookup);
        }

        Assert.Equal("https://$(KUBERNETES_SERVICE_HOST)", withoutServices["API"]);
        Assert.Equal("https://10.96.0.1", merged["API"]);
    }
}
