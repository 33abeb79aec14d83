using EchoOperator.Model;
using k8s.Models;

namespace EchoOperator.Reconcile;

/// <summary>
/// The Deployment and Service an EchoServer owns, and whether what is in the cluster has drifted from
/// them. Pure: no client, so the decisions are testable without a server.
/// </summary>
public static class DesiredObjects
{
    public const string Image = "busybox:1.36";
    public const string ManagedBy = "echo-operator";
    public const int Port = 8080;

    // busybox's httpd answers every GET with the message: the page is written from the env at start.
    private const string Script = "mkdir -p /www && printf '%s\\n' \"$MESSAGE\" > /www/index.html && exec httpd -f -p 8080 -h /www";

    public static IDictionary<string, string> Selector(EchoServer echo) => new Dictionary<string, string>
    {
        ["app.kubernetes.io/name"] = "echoserver",
        ["app.kubernetes.io/instance"] = echo.Metadata.Name,
    };

    /// <summary>The label selector the operator's watches use: every object it made, whatever its owner.</summary>
    public static string ManagedSelector => "app.kubernetes.io/managed-by=" + ManagedBy;

    public static V1Deployment Deployment(EchoServer echo) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Meta(echo),
        Spec = new V1DeploymentSpec
        {
            Replicas = echo.Spec.Replicas,
            Selector = new V1LabelSelector { MatchLabels = Selector(echo) },
            Template = Template(echo),
        },
    };

    public static V1Service Service(EchoServer echo) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Meta(echo),
        Spec = new V1ServiceSpec
        {
            Selector = Selector(echo),
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" }],
        },
    };

    /// <summary>
    /// Whether the live Deployment differs from the desired one in what the operator decides (replicas, the
    /// container's image, command and message, the selector's labels on the pods); fields the server defaults are not compared.
    /// </summary>
    public static bool Drifted(V1Deployment live, EchoServer echo)
    {
        var container = live.Spec?.Template?.Spec?.Containers?.FirstOrDefault();
        var labels = live.Spec?.Template?.Metadata?.Labels ?? new Dictionary<string, string>();
        return live.Spec?.Replicas != echo.Spec.Replicas
            || container is null
            || container.Image != Image
            || !(container.Command ?? []).SequenceEqual(Command)
            || container.Env?.FirstOrDefault(e => e.Name == "MESSAGE")?.Value != echo.Spec.Message
            || Selector(echo).Any(l => !labels.TryGetValue(l.Key, out var v) || v != l.Value)
            || !IsOwnedBy(live.Metadata, echo);
    }

    /// <summary>Copies the operator's fields onto the live object (a clone of it), keeping the rest as the server has it.</summary>
    public static void Restore(V1Deployment live, EchoServer echo)
    {
        var desired = Deployment(echo);
        live.Spec.Replicas = desired.Spec.Replicas;
        live.Spec.Template = desired.Spec.Template;
        Adopt(live.Metadata, echo);
    }

    public static bool Drifted(V1Service live, EchoServer echo)
    {
        var port = live.Spec?.Ports is { Count: 1 } ports ? ports[0] : null;
        var selector = live.Spec?.Selector ?? new Dictionary<string, string>();
        return port is null || port.Port != 80 || port.TargetPort?.Value != "http" || port.Name != "http"
            || selector.Count != Selector(echo).Count || Selector(echo).Any(l => !selector.TryGetValue(l.Key, out var v) || v != l.Value)
            || !IsOwnedBy(live.Metadata, echo);
    }

    public static void Restore(V1Service live, EchoServer echo)
    {
        var desired = Service(echo);
        live.Spec.Selector = desired.Spec.Selector;
        live.Spec.Ports = desired.Spec.Ports;
        Adopt(live.Metadata, echo);
    }

    public static bool IsOwnedBy(V1ObjectMeta? meta, EchoServer echo) =>
        meta?.OwnerReferences?.Any(o => o.Uid == echo.Metadata.Uid && o.Controller == true) == true;

    private static readonly string[] Command = ["sh", "-c", Script];

    private static V1ObjectMeta Meta(EchoServer echo)
    {
        var meta = new V1ObjectMeta { Name = echo.Metadata.Name, NamespaceProperty = echo.Metadata.NamespaceProperty };
        Adopt(meta, echo);
        return meta;
    }

    private static void Adopt(V1ObjectMeta meta, EchoServer echo)
    {
        meta.Labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in Selector(echo))
        {
            meta.Labels[key] = value;
        }
        meta.Labels["app.kubernetes.io/managed-by"] = ManagedBy;
        if (!IsOwnedBy(meta, echo))
        {
            // The garbage collector deletes what an EchoServer owns when it goes.
            meta.OwnerReferences = [.. (meta.OwnerReferences ?? []).Where(o => o.Controller != true), new V1OwnerReference
            {
                ApiVersion = echo.ApiVersion,
                Kind = EchoServer.KindName,
                Name = echo.Metadata.Name,
                Uid = echo.Metadata.Uid,
                Controller = true,
                BlockOwnerDeletion = true,
            }];
        }
    }

    private static V1PodTemplateSpec Template(EchoServer echo) => new()
    {
        Metadata = new V1ObjectMeta { Labels = Selector(echo) },
        Spec = new V1PodSpec
        {
            TerminationGracePeriodSeconds = 2,
            Containers =
            [
                new V1Container
                {
                    Name = "echo",
                    Image = Image,
                    Command = Command,
                    Env = [new V1EnvVar { Name = "MESSAGE", Value = echo.Spec.Message }],
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = Port }],
                    ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" }, PeriodSeconds = 2 },
                },
            ],
        },
    };
}
