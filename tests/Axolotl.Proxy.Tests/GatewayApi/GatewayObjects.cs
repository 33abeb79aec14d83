using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Proxy.GatewayApi;
using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.Tests.GatewayApi;

/// <summary>Gateway API objects for the builder's tests, written as the JSON a user would send.</summary>
internal static class GatewayObjects
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static X509Certificate2 Fallback { get; } = SelfSignedCertificate.Create(TimeProvider.System);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, KubeJson.Options)!;

    public static GatewayClass Class(string name = "axolotl", string controller = GatewayOptions.DefaultControllerName, string extraSpec = "") =>
        Read<GatewayClass>($$$"""{"metadata":{"name":"{{{name}}}","generation":1},"spec":{"controllerName":"{{{controller}}}"{{{extraSpec}}}}}""");

    /// <summary>A Gateway of class axolotl; <paramref name="listeners"/> is the JSON array of listeners.</summary>
    public static Gateway Gateway(string ns, string name, int age, string listeners, string className = "axolotl") =>
        Read<Gateway>($$$"""{"metadata":{"namespace":"{{{ns}}}","name":"{{{name}}}","generation":1,"creationTimestamp":"{{{Epoch.AddSeconds(age):O}}}"},"spec":{"gatewayClassName":"{{{className}}}","listeners":{{{listeners}}}}}""");

    public static string Http(string name, int port, string? hostname = null, string? allowed = null) =>
        $$"""{"name":"{{name}}","port":{{port}},"protocol":"HTTP"{{(hostname is null ? "" : $",\"hostname\":\"{hostname}\"")}}{{(allowed is null ? "" : $",\"allowedRoutes\":{allowed}")}}}""";

    /// <summary>An HTTPRoute; <paramref name="spec"/> is the JSON of its spec.</summary>
    public static HTTPRoute Route(string ns, string name, int age, string spec) =>
        Read<HTTPRoute>($$"""{"metadata":{"namespace":"{{ns}}","name":"{{name}}","generation":1,"creationTimestamp":"{{Epoch.AddSeconds(age):O}}"},"spec":{{spec}}}""");

    /// <summary>A rule sending every request matching <paramref name="matches"/> (a JSON array) to Service <paramref name="service"/> port 80.</summary>
    public static string Rule(string service, string matches = "[]", string filters = "[]") =>
        $$"""{"matches":{{matches}},"filters":{{filters}},"backendRefs":[{"name":"{{service}}","port":80}]}""";

    public static string Spec(string gateway, string rules, string hostnames = "[]", string parentExtra = "") =>
        $$"""{"parentRefs":[{"name":"{{gateway}}"{{parentExtra}}}],"hostnames":{{hostnames}},"rules":[{{rules}}]}""";

    public static Service Service(string ns, string name) =>
        new() { Metadata = new() { Namespace = ns, Name = name }, Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] } };

    /// <summary>Inputs with the axolotl class, where every Service a test names exists.</summary>
    public static GatewayInputs Inputs(IReadOnlyList<Gateway> gateways, IReadOnlyList<HTTPRoute> routes, IReadOnlyList<ReferenceGrant>? grants = null,
        Func<string, IReadOnlyDictionary<string, string>?>? namespaces = null, Func<string, string, Service?>? services = null) => new()
        {
            Classes = [Class()],
            Gateways = gateways,
            Routes = routes,
            Grants = grants ?? [],
            NamespaceLabels = namespaces ?? (_ => new Dictionary<string, string>()),
            Services = services ?? Service,
        };

    /// <summary>The Service a request goes to (or the route's first backend's), null for 404.</summary>
    public static string? Served(GatewayBuild build, int port, string host, string path, string method = "GET", Dictionary<string, string>? headers = null,
        Dictionary<string, string>? query = null)
    {
        var entry = build.Table.Match(port, host, method, path,
            name => headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value,
            name => query?.GetValueOrDefault(name));
        return (entry?.Backends.Count > 0 ? entry.Backends[0].Target?.Service : null) ?? (entry is null ? null : "<no backend>");
    }

    public static GatewayCondition Parent(GatewayBuild build, string route, string type = "Accepted") =>
        build.Routes.Single(r => $"{r.Route.Metadata.Namespace}/{r.Route.Metadata.Name}" == route).Parents.Single().Conditions.Single(c => c.Type == type);

    public static GatewayListenerFacts Listener(GatewayBuild build, string gateway, string listener) =>
        build.Gateways.Single(g => $"{g.Gateway.Metadata.Namespace}/{g.Gateway.Metadata.Name}" == gateway).Listeners.Single(l => l.Name == listener);
}
