using Axolotl.Proxy.Ingress;
using static Axolotl.Proxy.Tests.Ingress.IngressObjects;

namespace Axolotl.Proxy.Tests.Ingress;

public sealed class IngressRouteTableTests
{
    private static string? Served(IngressRouteTable table, string host, string path) => table.Match(host, path)?.Service;

    [Fact]
    public void The_longest_matching_path_wins_and_exact_beats_prefix_at_equal_length()
    {
        var table = IngressRouteTableBuilder.Build([NewIngress("web", 0, rules: Rule("shop.example.com",
            Path("/", "Prefix", "root"), Path("/api", "Prefix", "api"), Path("/api/v2", "Prefix", "v2"), Path("/api", "Exact", "api-exact")))]);

        Assert.Equal("root", Served(table, "shop.example.com", "/"));
        Assert.Equal("root", Served(table, "shop.example.com", "/apis"));
        Assert.Equal("api-exact", Served(table, "shop.example.com", "/api"));
        Assert.Equal("api", Served(table, "shop.example.com", "/api/"));
        Assert.Equal("api", Served(table, "shop.example.com", "/api/v1/items"));
        Assert.Equal("v2", Served(table, "shop.example.com", "/api/v2/items"));
    }

    [Fact]
    public void Hosts_match_without_case_and_a_wildcard_covers_exactly_one_label()
    {
        var table = IngressRouteTableBuilder.Build([NewIngress("web", 0, rules:
            [Rule("foo.example.com", Path("/", "Prefix", "exact")), Rule("*.example.com", Path("/", "Prefix", "wild"))])]);

        Assert.Equal("exact", Served(table, "FOO.Example.com", "/"));
        Assert.Equal("wild", Served(table, "bar.example.com", "/x"));
        Assert.Null(Served(table, "example.com", "/"));
        Assert.Null(Served(table, "a.bar.example.com", "/"));
    }

    [Fact]
    public void A_host_with_rules_does_not_fall_through_to_the_rules_without_a_host()
    {
        var table = IngressRouteTableBuilder.Build([NewIngress("web", 0, rules:
            [Rule("foo.example.com", Path("/only", "Exact", "foo")), Rule(null, Path("/", "Prefix", "any"))])]);

        Assert.Equal("foo", Served(table, "foo.example.com", "/only"));
        Assert.Null(Served(table, "foo.example.com", "/other"));
        Assert.Equal("any", Served(table, "unknown.example.org", "/other"));
        Assert.Equal("any", Served(table, "10.0.0.1", "/"));
    }

    [Fact]
    public void The_default_backend_serves_what_no_rule_matches_and_the_oldest_one_wins()
    {
        var older = NewIngress("older", 0, defaultBackend: Backend("fallback-old"), rules: Rule("a.example.com", Path("/a", "Exact", "a")));
        var newer = NewIngress("newer", 5, defaultBackend: Backend("fallback-new"), rules: Rule("b.example.com", Path("/b", "Exact", "b")));

        var table = IngressRouteTableBuilder.Build([newer, older]);

        Assert.Equal("fallback-old", Served(table, "nothing.example.com", "/"));
        // A host's own Ingress's defaultBackend serves its unmatched paths (ingress-nginx's per-server default).
        Assert.Equal("fallback-new", Served(table, "b.example.com", "/other"));
        Assert.Equal("fallback-old", Served(table, "a.example.com", "/other"));
        var conflict = Assert.Single(table.Conflicts);
        Assert.Equal(("newer", "DefaultBackendConflict"), (conflict.Name, conflict.Reason));
    }

    [Fact]
    public void No_rule_and_no_default_backend_is_a_404()
    {
        var table = IngressRouteTableBuilder.Build([NewIngress("web", 0, rules: Rule("a.example.com", Path("/", "Prefix", "a")))]);

        Assert.Null(table.Match("b.example.com", "/"));
        Assert.Null(IngressRouteTable.Empty.Match("a.example.com", "/"));
    }

    [Fact]
    public void The_oldest_ingress_keeps_a_host_and_path_two_want_and_the_newer_is_told()
    {
        var first = NewIngress("first", 1, rules: Rule("a.example.com", Path("/app", "Prefix", "first-svc")));
        var second = NewIngress("second", 2, rules: Rule("a.example.com", Path("/app", "Prefix", "second-svc"), Path("/extra", "Prefix", "extra")));

        var table = IngressRouteTableBuilder.Build([second, first]);

        Assert.Equal("first-svc", Served(table, "a.example.com", "/app/x"));
        Assert.Equal("extra", Served(table, "a.example.com", "/extra"));
        var conflict = Assert.Single(table.Conflicts);
        Assert.Equal(("default", "second", "PathConflict"), (conflict.Namespace, conflict.Name, conflict.Reason));
    }

    [Fact]
    public void Created_at_the_same_instant_the_namespace_then_the_name_decides()
    {
        var b = NewIngress("b", 0, ns: "alpha", rules: Rule("a.example.com", Path("/", "Prefix", "alpha-b")));
        var a = NewIngress("a", 0, ns: "beta", rules: Rule("a.example.com", Path("/", "Prefix", "beta-a")));
        var c = NewIngress("a", 0, ns: "alpha", rules: Rule("a.example.com", Path("/", "Prefix", "alpha-a")));

        var table = IngressRouteTableBuilder.Build([a, b, c]);

        Assert.Equal("alpha-a", Served(table, "a.example.com", "/"));
        var backend = table.Match("a.example.com", "/")!;
        Assert.Equal("alpha", backend.Namespace);
    }

    [Fact]
    public void A_backend_by_port_name_and_one_without_a_service_are_told_apart()
    {
        var ingress = NewIngress("web", 0, rules: Rule("a.example.com", Path("/", "Prefix", "svc")));
        ingress.Spec!.Rules![0].Http!.Paths![0].Backend = new Api.Networking.IngressBackend
        {
            Service = new Api.Networking.IngressServiceBackend { Name = "svc", Port = new Api.Networking.ServiceBackendPort { Name = "http" } },
        };
        var resourceOnly = NewIngress("resource", 1, rules: Rule("b.example.com", new Api.Networking.HTTPIngressPath
        {
            Path = "/",
            PathType = "Prefix",
            Backend = new Api.Networking.IngressBackend { Resource = new Api.Core.TypedLocalObjectReference { Kind = "StorageBucket", Name = "static" } },
        }));

        var table = IngressRouteTableBuilder.Build([ingress, resourceOnly]);

        Assert.Equal(new IngressRouteBackend("default", "svc", null, "http", "default/web"), table.Match("a.example.com", "/"));
        Assert.Null(table.Match("b.example.com", "/"));
    }
}
