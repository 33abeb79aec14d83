using Axolotl.Api.Core;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class ServiceValidationTests
{
    private static string ServiceJson(string spec, string name = "web") =>
        $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{{{spec}}}}""";

    [Fact]
    public void A_realistic_load_balancer_service_is_valid()
    {
        Assert.Empty(Errors(Defaulted<Service>(Kinds.Manifests.Service)));
    }

    [Fact]
    public void Ports_are_required_unless_the_service_is_headless_or_an_external_name()
    {
        Assert.Equal(["spec.ports: Required value"], Errors<Service>(ServiceJson("""{"selector":{"app":"web"}}""")));
        Assert.Empty(Errors<Service>(ServiceJson("""{"clusterIP":"None","selector":{"app":"web"}}""")));
        Assert.Empty(Errors<Service>(ServiceJson("""{"type":"ExternalName","externalName":"db.example.com"}""")));
    }

    [Fact]
    public void Service_names_must_be_dns_1035_labels()
    {
        Assert.Equal(["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
            Errors<Service>(ServiceJson("""{"ports":[{"port":80}]}""", name: "1web")));
    }

    [Fact]
    public void Port_numbers_names_and_protocols_are_checked()
    {
        var errors = Errors<Service>(ServiceJson("""{"ports":[{"name":"http","port":0},{"name":"http","port":81,"protocol":"HTTP"},{"port":82,"targetPort":"Web"}]}"""));
        Assert.Equal(
        [
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[1].name: Duplicate value: \"http\"",
            "spec.ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "spec.ports[2].name: Required value",
            "spec.ports[2].targetPort: Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ], errors);
    }

    [Fact]
    public void Sctp_ports_are_refused_because_the_service_proxy_cannot_relay_them_while_udp_is_accepted()
    {
        Assert.Equal(
            ["spec.ports[1].protocol: Unsupported value: \"SCTP\": supported values: \"TCP\", \"UDP\" (" + ServiceValidation.SctpUnsupported + ")"],
            Errors<Service>(ServiceJson("""{"ports":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"sig","port":2905,"protocol":"SCTP"}]}""")));
    }

    [Fact]
    public void The_type_must_be_supported()
    {
        Assert.Equal(["spec.type: Unsupported value: \"Ingress\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""],
            Errors<Service>(ServiceJson("""{"type":"Ingress","ports":[{"port":80}]}""")));
    }

    [Fact]
    public void Node_ports_must_be_in_the_node_port_range_and_not_on_cluster_ip_services()
    {
        Assert.Equal(["spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"],
            Errors<Service>(ServiceJson("""{"type":"NodePort","ports":[{"port":80,"nodePort":80}]}""")));
        Assert.Equal(["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
            Errors<Service>(ServiceJson("""{"ports":[{"port":80,"nodePort":30080}]}""")));
    }

    [Fact]
    public void Duplicate_port_and_protocol_pairs_are_rejected()
    {
        Assert.Equal(["spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"],
            Errors<Service>(ServiceJson("""{"ports":[{"name":"a","port":80},{"name":"b","port":80}]}""")));
    }

    [Fact]
    public void The_cluster_ip_cannot_change_once_set()
    {
        var old = Defaulted<Service>(Kinds.Manifests.Service);
        var updated = Defaulted<Service>(Kinds.Manifests.Service);
        updated.Spec!.ClusterIP = "10.96.0.20";
        updated.Spec.ClusterIPs = ["10.96.0.20"];
        Assert.Equal(["spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.20\"}: may not change once set"], Errors(updated, old));
    }

    [Fact]
    public void Cluster_ip_must_agree_with_cluster_ips_and_be_an_ip()
    {
        var service = Defaulted<Service>(ServiceJson("""{"clusterIP":"10.96.0.5","clusterIPs":["10.96.0.6"],"ports":[{"port":80}]}"""));
        Assert.Equal(["spec.clusterIPs: Invalid value: []string{\"10.96.0.6\"}: first value must match `clusterIP`"], Errors(service));
        Assert.Equal(["spec.clusterIPs[0]: Invalid value: \"10.96.0\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"],
            Errors<Service>(ServiceJson("""{"clusterIP":"10.96.0","ports":[{"port":80}]}""")));
    }

    [Fact]
    public void External_name_services_need_a_dns_name()
    {
        Assert.Equal(["spec.externalName: Required value"], Errors<Service>(ServiceJson("""{"type":"ExternalName"}""")));
    }

    [Fact]
    public void Session_affinity_and_traffic_policies_are_checked()
    {
        var errors = Errors<Service>(ServiceJson("""{"sessionAffinity":"Sticky","externalTrafficPolicy":"Local","ports":[{"port":80}]}"""));
        Assert.Equal(
        [
            "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"",
            "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services",
        ], errors);
    }

    [Fact]
    public void Client_ip_affinity_defaults_its_timeout_to_three_hours_and_accepts_one_second_to_one_day()
    {
        var defaulted = Defaulted<Service>(ServiceJson("""{"sessionAffinity":"ClientIP","ports":[{"port":80}]}"""));
        Assert.Equal(10800, defaulted.Spec!.SessionAffinityConfig!.ClientIP!.TimeoutSeconds);
        Assert.Empty(Errors(defaulted));
        Assert.Empty(Errors<Service>(ServiceJson("""{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":86400}},"ports":[{"port":80}]}""")));
        foreach (var timeout in new[] { 0, -5, 86401 })
        {
            Assert.Equal([$"spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: {timeout}: must be greater than 0 and less than 86400"],
                Errors<Service>(ServiceJson($$$"""{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":{{{timeout}}}}},"ports":[{"port":80}]}""")));
        }
    }
}
