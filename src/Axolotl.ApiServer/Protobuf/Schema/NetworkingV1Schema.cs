namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from kubernetes/api networking/v1 generated.proto (v1.32); JSON names and omitempty from types.go.

/// <summary>Protobuf → JSON field tables for networking.k8s.io/v1: Ingress and IngressClass (kubectl create ingress sends protobuf).</summary>
internal static class NetworkingV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var n = package("networking.v1");
        n.Message("Ingress")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "IngressSpec")
            .Msg(3, "status", "IngressStatus");
        n.Message("IngressSpec")
            .Msg(1, "defaultBackend", "IngressBackend")
            .Msgs(2, "tls", "IngressTLS")
            .Msgs(3, "rules", "IngressRule")
            .Str(4, "ingressClassName");
        n.Message("IngressBackend")
            .Msg(3, "resource", "core.v1.TypedLocalObjectReference")
            .Msg(4, "service", "IngressServiceBackend");
        n.Message("IngressServiceBackend")
            .Str(1, "name", Zero.Keep)
            .Msg(2, "port", "ServiceBackendPort");
        n.Message("ServiceBackendPort")
            .Str(1, "name")
            .Int(2, "number");
        n.Message("IngressTLS")
            .Strs(1, "hosts")
            .Str(2, "secretName");
        // The rule value is inlined in JSON: "http" sits beside "host".
        n.Message("IngressRule")
            .Str(1, "host")
            .Inline(2, "IngressRuleValue");
        n.Message("IngressRuleValue")
            .Msg(1, "http", "HTTPIngressRuleValue");
        n.Message("HTTPIngressRuleValue")
            .Msgs(1, "paths", "HTTPIngressPath");
        n.Message("HTTPIngressPath")
            .Str(1, "path")
            .Msg(2, "backend", "IngressBackend")
            .Str(3, "pathType");
        n.Message("IngressStatus")
            .Msg(1, "loadBalancer", "IngressLoadBalancerStatus");
        n.Message("IngressLoadBalancerStatus")
            .Msgs(1, "ingress", "IngressLoadBalancerIngress");
        n.Message("IngressLoadBalancerIngress")
            .Str(1, "ip")
            .Str(2, "hostname")
            .Msgs(4, "ports", "IngressPortStatus");
        n.Message("IngressPortStatus")
            .Int(1, "port", Zero.Keep)
            .Str(2, "protocol", Zero.Keep)
            .Str(3, "error");
        n.Message("IngressClass")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "IngressClassSpec");
        n.Message("IngressClassSpec")
            .Str(1, "controller")
            .Msg(2, "parameters", "IngressClassParametersReference");
        n.Message("IngressClassParametersReference")
            .Str(1, "apiGroup")
            .Str(2, "kind", Zero.Keep)
            .Str(3, "name", Zero.Keep)
            .Str(4, "scope")
            .Str(5, "namespace");
    }
}
