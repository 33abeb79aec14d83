using Axolotl.Api.Networking;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class NetworkingValidationTests
{
    private static string IngressWith(string spec) => $$"""
        {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web","namespace":"ns"},"spec":{{spec}}}
        """;

    [Fact]
    public void A_rule_with_a_service_backend_or_a_default_backend_alone_is_valid()
    {
        Assert.Empty(Errors(Defaulted<Ingress>(IngressWith("""
            {"ingressClassName":"nginx","tls":[{"hosts":["shop.example.com"],"secretName":"shop-tls"}],
             "rules":[{"host":"*.example.com","http":{"paths":[{"path":"/api","pathType":"Prefix","backend":{"service":{"name":"api","port":{"number":8080}}}}]}}]}
            """))));
        Assert.Empty(Errors(Defaulted<Ingress>(IngressWith("""{"defaultBackend":{"service":{"name":"web","port":{"name":"http"}}}}"""))));
    }

    [Theory]
    [InlineData("{}", "spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified")]
    [InlineData("""{"rules":[{"http":{"paths":[{"path":"/","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}""",
        "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified")]
    [InlineData("""{"rules":[{"http":{"paths":[{"path":"/","pathType":"Regex","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}""",
        "spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"")]
    [InlineData("""{"rules":[{"http":{"paths":[{"path":"api","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}""",
        "spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path")]
    [InlineData("""{"defaultBackend":{"service":{"name":"web","port":{"name":"http","number":80}}}}""",
        "spec.defaultBackend.service.port: Invalid value: \"http\": cannot set both port name & port number")]
    [InlineData("""{"defaultBackend":{"service":{"name":"web"}}}""", "spec.defaultBackend.service.port: Required value: port name or number is required")]
    [InlineData("""{"defaultBackend":{"service":{"name":"web","port":{"number":80}},"resource":{"kind":"Bucket","name":"b"}}}""",
        "spec.defaultBackend: Invalid value: \"\": cannot set both resource and service backends")]
    [InlineData("""{"rules":[{"host":"10.0.0.1","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}""",
        "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address")]
    public void Bad_ingresses_get_upstreams_errors(string spec, string error) =>
        Assert.Contains(error, Errors(Defaulted<Ingress>(IngressWith(spec))));

    [Fact]
    public void An_ingress_class_needs_a_controller_that_never_changes_and_scoped_parameters()
    {
        var good = Defaulted<IngressClass>("""{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx"}}""");
        Assert.Empty(Errors(good));
        var noController = Defaulted<IngressClass>("""{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"x"},"spec":{}}""");
        Assert.Contains("spec.controller: Required value", Errors(noController));
        var scoped = Defaulted<IngressClass>("""
            {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"y"},
             "spec":{"controller":"c","parameters":{"kind":"Params","name":"p","scope":"Namespace"}}}
            """);
        Assert.Contains("spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'", Errors(scoped));
    }
}
