using Axolotl.Proxy.GatewayApi;
using GatewayModel = Axolotl.Proxy.GatewayApi.Model.Gateway;
using HTTPRoute = Axolotl.Proxy.GatewayApi.Model.HTTPRoute;
using static Axolotl.Proxy.Tests.GatewayApi.GatewayObjects;

namespace Axolotl.Proxy.Tests.GatewayApi;

public sealed class GatewayRouteTableBuilderTests
{
    private static readonly GatewayModel Web = Gateway("infra", "web", 0, $"[{Http("http", 8080)}]");

    private static GatewayBuild Build(params HTTPRoute[] routes) => GatewayRouteTableBuilder.Build(Inputs([Web], routes), Fallback);

    private static HTTPRoute R(string name, int age, string rules, string hostnames = "[]") => Route("infra", name, age, Spec("web", rules, hostnames));

    [Fact]
    public void Exact_path_beats_the_longest_prefix_which_beats_method_then_headers_then_query_params()
    {
        var build = Build(
            R("prefix", 0, Rule("root", """[{"path":{"type":"PathPrefix","value":"/"}}]""")),
            R("long", 1, Rule("api", """[{"path":{"type":"PathPrefix","value":"/api/"}}]""")),
            R("exact", 2, Rule("exact", """[{"path":{"type":"Exact","value":"/api/v1"}}]""")),
            R("method", 3, Rule("post", """[{"path":{"value":"/api"},"method":"POST"}]""")),
            R("headers", 4, Rule("two-headers", """[{"path":{"value":"/api"},"headers":[{"name":"a","value":"1"},{"name":"b","value":"2"}]}]""")),
            R("header", 5, Rule("one-header", """[{"path":{"value":"/api"},"headers":[{"name":"a","value":"1"}]}]""")),
            R("query", 6, Rule("query", """[{"path":{"value":"/api"},"queryParams":[{"name":"q","value":"x"}]}]""")));

        Assert.Equal("root", Served(build, 8080, "any.test", "/apis"));
        Assert.Equal("api", Served(build, 8080, "any.test", "/api/v2"));
        Assert.Equal("exact", Served(build, 8080, "any.test", "/api/v1", "POST", new() { ["a"] = "1", ["b"] = "2" }));
        Assert.Equal("post", Served(build, 8080, "any.test", "/api/x", "POST", new() { ["a"] = "1", ["b"] = "2" }));
        Assert.Equal("two-headers", Served(build, 8080, "any.test", "/api/x", "GET", new() { ["A"] = "1", ["b"] = "2" }, new() { ["q"] = "x" }));
        Assert.Equal("one-header", Served(build, 8080, "any.test", "/api/x", "GET", new() { ["a"] = "1" }, new() { ["q"] = "x" }));
        Assert.Equal("query", Served(build, 8080, "any.test", "/api/x", "GET", null, new() { ["q"] = "x" }));
        Assert.Equal("api", Served(build, 8080, "any.test", "/api/x", "GET", new() { ["a"] = "2" }, new() { ["q"] = "y" }));
    }

    [Fact]
    public void Equal_matches_go_to_the_oldest_route_then_by_namespace_and_name_then_rule_order()
    {
        var build = Build(
            R("b-newer", 5, Rule("newer", """[{"path":{"value":"/x"}}]""")),
            R("z-old", 1, Rule("oldest", """[{"path":{"value":"/x"}}]""")),
            R("a-old", 1, Rule("same-age-first-name", """[{"path":{"value":"/x"}}]""")),
            R("rules", 0, Rule("first-rule", """[{"path":{"value":"/y"}}]""") + "," + Rule("second-rule", """[{"path":{"value":"/y"}}]""")));

        Assert.Equal("same-age-first-name", Served(build, 8080, "h.test", "/x"));
        Assert.Equal("first-rule", Served(build, 8080, "h.test", "/y"));
    }

    [Fact]
    public void The_most_specific_hostname_takes_the_request_and_does_not_fall_through()
    {
        var build = Build(
            R("any", 0, Rule("any")),
            R("wild", 1, Rule("wild"), """["*.example.com"]"""),
            R("deeper", 2, Rule("deeper"), """["*.shop.example.com"]"""),
            R("exact", 3, Rule("exact", """[{"path":{"type":"Exact","value":"/only"}}]"""), """["www.example.com"]"""));

        Assert.Equal("exact", Served(build, 8080, "WWW.example.com", "/only"));
        Assert.Null(Served(build, 8080, "www.example.com", "/other"));
        Assert.Equal("deeper", Served(build, 8080, "a.shop.example.com", "/"));
        // A Gateway API wildcard takes several labels, never the bare domain.
        Assert.Equal("wild", Served(build, 8080, "a.b.example.com", "/"));
        Assert.Equal("any", Served(build, 8080, "example.com", "/"));
    }

    [Fact]
    public void A_route_serves_the_intersection_of_its_hostnames_with_the_listeners()
    {
        var gateway = Gateway("infra", "web", 0, $"[{Http("wild", 8080, "*.example.com")},{Http("exact", 8081, "api.example.com")}]");
        var inside = Route("infra", "inside", 0, Spec("web", Rule("inside"), """["foo.example.com","other.org"]""", ""","sectionName":"wild" """));
        var wider = Route("infra", "wider", 1, Spec("web", Rule("wider"), """["*.example.com"]""", ""","port":8081"""));
        var outside = Route("infra", "outside", 2, Spec("web", Rule("outside"), """["other.org"]"""));

        var build = GatewayRouteTableBuilder.Build(Inputs([gateway], [inside, wider, outside]), Fallback);

        Assert.Equal("inside", Served(build, 8080, "foo.example.com", "/"));
        Assert.Null(Served(build, 8080, "other.org", "/"));
        Assert.Null(Served(build, 8080, "bar.example.com", "/"));
        Assert.Equal("wider", Served(build, 8081, "api.example.com", "/"));
        Assert.Equal("NoMatchingListenerHostname", Parent(build, "infra/outside").Reason);
        Assert.Equal(1, Listener(build, "infra/web", "wild").AttachedRoutes);
        Assert.Equal(1, Listener(build, "infra/web", "exact").AttachedRoutes);
    }

    [Fact]
    public void AllowedRoutes_takes_the_same_namespace_by_default_all_or_a_label_selector()
    {
        var gateway = Gateway("infra", "web", 0, $"[{Http("same", 8080)},{Http("all", 8081, allowed: """{"namespaces":{"from":"All"}}""")}," +
            $"{Http("selected", 8082, allowed: """{"namespaces":{"from":"Selector","selector":{"matchLabels":{"team":"shop"}}}}""")}]");
        HTTPRoute RouteTo(string ns, string section) => Route(ns, "r", 0, Spec("web", Rule(ns + "-" + section), parentExtra: $$""","namespace":"infra","sectionName":"{{section}}" """));
        var labels = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["shop"] = new Dictionary<string, string> { ["team"] = "shop" },
            ["blog"] = new Dictionary<string, string> { ["team"] = "blog" },
        };

        var build = GatewayRouteTableBuilder.Build(Inputs([gateway],
            [RouteTo("infra", "same"), RouteTo("shop", "same"), RouteTo("shop", "all"), RouteTo("shop", "selected"), RouteTo("blog", "selected")],
            namespaces: ns => labels.GetValueOrDefault(ns) ?? new Dictionary<string, string>()), Fallback);

        var verdicts = build.Routes.Select(r => (r.Route.Metadata.Namespace, r.Route.Spec!.ParentRefs![0].SectionName, r.Parents[0].Conditions[0].Reason)).ToList();
        Assert.Contains(("infra", "same", "Accepted"), verdicts);
        Assert.Contains(("shop", "same", "NotAllowedByListeners"), verdicts);
        Assert.Contains(("shop", "all", "Accepted"), verdicts);
        Assert.Contains(("shop", "selected", "Accepted"), verdicts);
        Assert.Contains(("blog", "selected", "NotAllowedByListeners"), verdicts);
        Assert.Equal("shop-selected", Served(build, 8082, "h", "/"));
    }

    [Fact]
    public void A_parentRef_to_a_missing_section_or_port_is_NoMatchingParent()
    {
        var build = GatewayRouteTableBuilder.Build(Inputs([Web],
            [Route("infra", "section", 0, Spec("web", Rule("s"), parentExtra: ""","sectionName":"nope" """)), Route("infra", "port", 0, Spec("web", Rule("p"), parentExtra: ""","port":9999"""))]), Fallback);

        Assert.Equal("NoMatchingParent", Parent(build, "infra/section").Reason);
        Assert.Equal("NoMatchingParent", Parent(build, "infra/port").Reason);
        Assert.Equal(0, Listener(build, "infra/web", "http").AttachedRoutes);
    }

    [Theory]
    [InlineData("""{"matches":[{"path":{"type":"RegularExpression","value":"/a.*"}}],"backendRefs":[{"name":"s","port":80}]}""", "UnsupportedValue")]
    [InlineData("""{"matches":[{"headers":[{"type":"RegularExpression","name":"a","value":"b.*"}]}],"backendRefs":[{"name":"s","port":80}]}""", "UnsupportedValue")]
    [InlineData("""{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"s","port":80}}}],"backendRefs":[{"name":"s","port":80}]}""", "UnsupportedValue")]
    [InlineData("""{"timeouts":{"request":"5s"},"backendRefs":[{"name":"s","port":80}]}""", "UnsupportedValue")]
    [InlineData("""{"filters":[{"type":"RequestRedirect","requestRedirect":{"scheme":"https"}}],"backendRefs":[{"name":"s","port":80}]}""", "IncompatibleFilters")]
    public void What_the_controller_does_not_serve_refuses_the_whole_route(string rule, string reason)
    {
        var build = GatewayRouteTableBuilder.Build(Inputs([Web], [Route("infra", "r", 0, Spec("web", rule))]), Fallback);

        var accepted = Parent(build, "infra/r");
        Assert.False(accepted.Status);
        Assert.Equal(reason, accepted.Reason);
        Assert.Null(Served(build, 8080, "h", "/a"));
        Assert.Equal(0, Listener(build, "infra/web", "http").AttachedRoutes);
    }

    [Fact]
    public void Unresolved_backends_set_ResolvedRefs_and_take_their_share_as_500s()
    {
        var grant = Read<Proxy.GatewayApi.Model.ReferenceGrant>("""
            {"metadata":{"namespace":"granted","name":"g"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"infra"}],"to":[{"group":"","kind":"Service"}]}}
            """);
        var services = new[] { ("infra", "present"), ("granted", "svc"), ("other", "svc") };
        var route = (string name, string backend) => Route("infra", name, 0, Spec("web", $$$"""{"matches":[{"path":{"value":"/{{{name}}}"}}],"backendRefs":[{{{backend}}}]}"""));

        var build = GatewayRouteTableBuilder.Build(Inputs([Web],
            [
                route("missing", """{"name":"absent","port":80}"""),
                route("crossed", """{"name":"svc","namespace":"other","port":80}"""),
                route("granted", """{"name":"svc","namespace":"granted","port":80}"""),
                route("kind", """{"group":"example.com","kind":"Bucket","name":"b"}"""),
            ], [grant], services: (ns, name) => services.Contains((ns, name)) ? Service(ns, name) : null), Fallback);

        Assert.Equal("BackendNotFound", Parent(build, "infra/missing", "ResolvedRefs").Reason);
        Assert.Equal("RefNotPermitted", Parent(build, "infra/crossed", "ResolvedRefs").Reason);
        Assert.True(Parent(build, "infra/granted", "ResolvedRefs").Status);
        Assert.Equal("InvalidKind", Parent(build, "infra/kind", "ResolvedRefs").Reason);
        // Still accepted and attached: the unresolved share answers 500.
        Assert.True(Parent(build, "infra/missing").Status);
        Assert.Equal("<no backend>", Served(build, 8080, "h", "/missing"));
        Assert.Equal("svc", Served(build, 8080, "h", "/granted"));
    }

    [Fact]
    public void Only_classes_naming_this_controller_are_answered_and_a_parametersRef_or_another_major_version_is_refused()
    {
        var inputs = Inputs([], []) with
        {
            Classes = [Class("ours"), Class("theirs", "example.com/other"), Class("params", extraSpec: ""","parametersRef":{"group":"","kind":"ConfigMap","name":"c"}""")],
            BundleVersion = "v1.2.1",
        };

        var build = GatewayRouteTableBuilder.Build(inputs, Fallback);
        var v2 = GatewayRouteTableBuilder.Build(inputs with { BundleVersion = "v2.0.0" }, Fallback);

        Assert.Equal(["ours", "params"], build.Classes.Select(c => c.Class.Metadata.Name).Order());
        Assert.All(build.Classes.Single(c => c.Class.Metadata.Name == "ours").Conditions, c => Assert.True(c.Status));
        Assert.Equal("InvalidParameters", build.Classes.Single(c => c.Class.Metadata.Name == "params").Conditions[0].Reason);
        Assert.Equal(("UnsupportedVersion", "UnsupportedVersion"), (v2.Classes[0].Conditions[0].Reason, v2.Classes[0].Conditions[1].Reason));
    }

    [Fact]
    public void Listeners_are_checked_and_conflicts_go_against_the_newer_gateway()
    {
        var older = Gateway("infra", "older", 0, $"[{Http("http", 8080, "a.test")},{Http("tcp", 9000).Replace("\"HTTP\"", "\"TCP\"")}]");
        var newer = Gateway("infra", "newer", 5, $$$"""[{{{Http("same-host", 8080, "a.test")}}},{{{Http("other-host", 8080, "b.test")}}},{"name":"tls","port":8080,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"cert"}]}},{"name":"nocert","port":8443,"protocol":"HTTPS"}]""");

        var build = GatewayRouteTableBuilder.Build(Inputs([newer, older], []), Fallback);

        Assert.Equal("UnsupportedProtocol", Listener(build, "infra/older", "tcp").Accepted.Reason);
        Assert.Equal("HostnameConflict", Listener(build, "infra/newer", "same-host").Conflicted.Reason);
        Assert.False(Listener(build, "infra/newer", "other-host").Conflicted.Status);
        Assert.Equal("ProtocolConflict", Listener(build, "infra/newer", "tls").Conflicted.Reason);
        Assert.Equal("InvalidCertificateRef", Listener(build, "infra/newer", "nocert").ResolvedRefs.Reason);
        Assert.Equal(["a.test", "b.test"], build.Table.Ports[8080].Listeners.Select(l => l.Hostname).Order());
        Assert.False(build.Table.Ports.ContainsKey(8443));
        var accepted = build.Gateways.Single(g => g.Gateway.Metadata.Name == "newer").Accepted;
        Assert.Equal((true, "ListenersNotValid"), (accepted.Status, accepted.Reason));
    }
}
