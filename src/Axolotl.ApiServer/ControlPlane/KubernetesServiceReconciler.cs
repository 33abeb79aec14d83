using System.Net;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Net;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// The <c>kubernetes</c> Service in <c>default</c> and its Endpoints and EndpointSlice, as
/// kube-apiserver's "kubernetes service" controller and master endpoint reconciler keep them: the
/// Service holds the first address of the service range (reserved, and named by the serving
/// certificate), port <c>https</c> 443 to the API server's port; the endpoints list the address
/// of every API server whose identity Lease is live (<see cref="ApiServerIdentityLease"/>). Run once before the server serves (so no Service can take the
/// address) and then every <see cref="Interval"/>, repairing what a user deleted or changed.
/// </summary>
public sealed partial class KubernetesServiceReconciler(ObjectStore objects, AdmissionChain admission, TimeProvider clock, ILogger logger,
    string serviceCidr, IPAddress? advertiseAddress, int port, IPEndPoint? livenessEndpoint = null)
{
    public const string Namespace = "default";
    public const string Name = "kubernetes";
    public const string PortName = "https";

    /// <summary>Annotations on the kubernetes Service that tell a joining agent the cluster's ranges (nodes may read Services).</summary>
    public const string ServiceCidrAnnotation = "axolotl.io/service-cidr";

    public const string ClusterCidrAnnotation = "axolotl.io/cluster-cidr";

    /// <summary>The cluster's pod range, published beside the Service range; null: only the Service range.</summary>
    public string? ClusterCidr { get; init; }

    /// <summary>How pod traffic crosses machines ("host-gw", "vxlan"), published for agents to follow; null: not published.</summary>
    public string? PodNetwork { get; init; }

    public const string PodNetworkAnnotation = "axolotl.io/pod-network";

    /// <summary>Upstream's EndpointInterval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>This server's identity Lease; the endpoints list every server whose lease is live.</summary>
    public ApiServerIdentityLease Identity { get; } = new(objects, admission, clock, advertiseAddress, port, livenessEndpoint);

    /// <summary>The Service's cluster IP: the first address of the service range.</summary>
    public string ClusterIp { get; } = FirstAddress(serviceCidr);

    public static string FirstAddress(string serviceCidr) => Ipv4Cidr.Format(ServiceAllocator.ParseCidr(serviceCidr).Network + 1);

    /// <summary>Keeps the objects current until <paramref name="ct"/> fires; an error is logged and tried again next round.</summary>
    public Task RunAsync(CancellationToken ct) => PeriodicReconcile.RunAsync(Interval, clock, ReconcileAsync, e => LogFailed(logger, e), ct);

    public async Task ReconcileAsync(CancellationToken ct)
    {
        await EnsureAsync(KnownResources.Services, DesiredService(), ["spec.type", "spec.ports"], ct);
        await Identity.RenewAsync(ct);
        if (advertiseAddress is null)
        {
            return;
        }
        // The servers of the cluster serve on one port, as upstream's reconciler assumes: the Service's targetPort.
        var live = (await Identity.LiveServersAsync(ct)).Where(s => s.Port == port).Select(s => s.Address).ToList();
        if (!live.Contains(advertiseAddress.ToString()))
        {
            live.Add(advertiseAddress.ToString());
        }
        live.Sort(StringComparer.Ordinal);
        await EnsureAsync(KnownResources.Endpoints, DesiredEndpoints(live), ["subsets"], ct);
        await EnsureAsync(KnownResources.EndpointSlices, DesiredSlice(live), ["addressType", "endpoints", "ports"], ct);
    }

    private JsonObject DesiredService() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            ["annotations"] = RangeAnnotations(),
        },
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = ClusterIp,
            ["clusterIPs"] = new JsonArray(ClusterIp),
            ["sessionAffinity"] = "None",
            ["ports"] = new JsonArray(new JsonObject
            {
                ["name"] = PortName,
                ["port"] = 443,
                ["protocol"] = "TCP",
                ["targetPort"] = port,
            }),
        },
    };

    private JsonObject RangeAnnotations()
    {
        var annotations = new JsonObject { [ServiceCidrAnnotation] = serviceCidr };
        if (ClusterCidr is not null)
        {
            annotations[ClusterCidrAnnotation] = ClusterCidr;
        }
        if (PodNetwork is not null)
        {
            annotations[PodNetworkAnnotation] = PodNetwork;
        }
        return annotations;
    }

    private JsonObject DesiredEndpoints(List<string> addresses) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Endpoints",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            // The mirroring controller leaves it alone: the reconciler writes the slice itself.
            ["labels"] = new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" },
        },
        ["subsets"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray([.. addresses.Select(a => (JsonNode)new JsonObject { ["ip"] = a })]),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = PortName, ["port"] = port, ["protocol"] = "TCP" }),
        }),
    };

    private JsonObject DesiredSlice(List<string> addresses) => new()
    {
        ["apiVersion"] = "discovery.k8s.io/v1",
        ["kind"] = "EndpointSlice",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { [WellKnown.LabelServiceName] = Name },
        },
        ["addressType"] = advertiseAddress!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4",
        ["endpoints"] = new JsonArray([.. addresses.Select(a => (JsonNode)new JsonObject
        {
            ["addresses"] = new JsonArray(a),
            ["conditions"] = new JsonObject { ["ready"] = true },
        })]),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = PortName, ["port"] = port, ["protocol"] = "TCP" }),
    };

    /// <summary>Creates the object when missing; rewrites <paramref name="owned"/> fields (and the labels) when they differ.</summary>
    private async Task EnsureAsync(ResourceType type, JsonObject desired, string[] owned, CancellationToken ct)
    {
        var current = await objects.GetAsync(type, Namespace, Name, ct);
        if (current is null)
        {
            ObjectMetaRules.PrepareForCreate(type, desired, clock.GetUtcNow());
            var admitted = admission.Admit(type, desired, null, FieldValidationMode.Strict, []);
            try
            {
                await objects.CreateAsync(type, KindViews.ToStorage(type, admitted), ct);
                LogWritten(logger, type.Kind);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // Another API server of the cluster made it.
            }
            return;
        }
        var probe = admission.Admit(type, desired.DeepClone().AsObject(), null, FieldValidationMode.Strict, []);
        var labels = ObjectMetaRules.Meta(desired)["labels"]!.AsObject();
        var currentLabels = ObjectMetaRules.Meta(current.Object)["labels"] as JsonObject;
        var annotations = ObjectMetaRules.Meta(desired)["annotations"] as JsonObject ?? [];
        var currentAnnotations = ObjectMetaRules.Meta(current.Object)["annotations"] as JsonObject;
        var same = owned.All(path => JsonNode.DeepEquals(Field(probe, path), Field(current.Object, path)))
            && labels.All(l => JsonNode.DeepEquals(l.Value, currentLabels?[l.Key]))
            && annotations.All(a => JsonNode.DeepEquals(a.Value, currentAnnotations?[a.Key]));
        if (same || ObjectMetaRules.IsDeleting(current.Object))
        {
            return;
        }
        var updated = current.Object.DeepClone().AsObject();
        foreach (var path in owned)
        {
            SetField(updated, path, Field(probe, path)?.DeepClone());
        }
        var meta = ObjectMetaRules.Meta(updated);
        var newLabels = meta["labels"] as JsonObject ?? [];
        foreach (var (key, value) in labels)
        {
            newLabels[key] = value?.DeepClone();
        }
        meta["labels"] = newLabels;
        if (annotations.Count > 0)
        {
            var newAnnotations = meta["annotations"] as JsonObject ?? [];
            foreach (var (key, value) in annotations)
            {
                newAnnotations[key] = value?.DeepClone();
            }
            meta["annotations"] = newAnnotations;
        }
        ObjectMetaRules.PrepareForUpdate(updated, current.Object);
        var admittedUpdate = admission.Admit(type, updated, current.Object, FieldValidationMode.Strict, []);
        try
        {
            await objects.UpdateAsync(type, admittedUpdate, current.Revision, ct);
            LogWritten(logger, type.Kind);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Changed meanwhile: the next round looks again.
        }
    }

    private static JsonNode? Field(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = (node as JsonObject)?[part];
        }
        return node;
    }

    private static void SetField(JsonObject obj, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var parent = obj;
        foreach (var part in parts[..^1])
        {
            if (parent[part] is not JsonObject child)
            {
                child = [];
                parent[part] = child;
            }
            parent = child;
        }
        parent[parts[^1]] = value;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "wrote the kubernetes {Kind} in default")]
    private static partial void LogWritten(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not reconcile the kubernetes Service and its endpoints; trying again")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
