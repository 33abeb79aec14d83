using Axolotl.Api.Networking;

namespace Axolotl.Proxy.Tests.Ingress;

/// <summary>Builders for Ingresses and IngressClasses in the shape the API serves them.</summary>
internal static class IngressObjects
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static HTTPIngressPath Path(string path, string type, string service, int port = 80) =>
        new() { Path = path, PathType = type, Backend = Backend(service, port) };

    public static IngressBackend Backend(string service, int port = 80) =>
        new() { Service = new IngressServiceBackend { Name = service, Port = new ServiceBackendPort { Number = port } } };

    public static IngressRule Rule(string? host, params HTTPIngressPath[] paths) => new() { Host = host, Http = new HTTPIngressRuleValue { Paths = [.. paths] } };

    public static Api.Networking.Ingress NewIngress(string name, int ageOrder, IngressBackend? defaultBackend = null, string? className = null, string ns = "default",
        params IngressRule[] rules) => new()
        {
            Metadata = new() { Name = name, Namespace = ns, CreationTimestamp = Epoch.AddMinutes(ageOrder) },
            Spec = new IngressSpec { IngressClassName = className, DefaultBackend = defaultBackend, Rules = [.. rules] },
        };

    public static IngressClass Class(string name, string controller, bool isDefault = false) => new()
    {
        Metadata = new()
        {
            Name = name,
            Annotations = isDefault ? new() { [IngressClassSelection.DefaultClassAnnotation] = "true" } : null,
        },
        Spec = new IngressClassSpec { Controller = controller },
    };
}
