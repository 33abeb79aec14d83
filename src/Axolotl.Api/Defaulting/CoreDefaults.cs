using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Defaulting;

/// <summary>Defaults of the smaller core/v1 kinds and of EndpointSlice.</summary>
public static class CoreDefaults
{
    public const string KubernetesFinalizer = "kubernetes";

    public static void ApplyReplicationController(ReplicationController controller)
    {
        var spec = controller.Spec ??= new ReplicationControllerSpec();
        var templateLabels = spec.Template?.Metadata.Labels;
        if (templateLabels is not null)
        {
            if (spec.Selector is null or { Count: 0 })
            {
                spec.Selector = new Dictionary<string, string>(templateLabels);
            }
            if (controller.Metadata.Labels is null or { Count: 0 })
            {
                controller.Metadata.Labels = new Dictionary<string, string>(templateLabels);
            }
        }
        spec.Replicas ??= 1;
        PodDefaults.ApplyTemplate(spec.Template);
    }

    public static void ApplyNamespace(Namespace ns)
    {
        // Upstream labels every named namespace with its own name so selectors can pick namespaces by name.
        if (!string.IsNullOrEmpty(ns.Metadata.Name))
        {
            ns.Metadata.Labels ??= [];
            ns.Metadata.Labels[WellKnown.LabelMetadataName] = ns.Metadata.Name;
        }
        var status = ns.Status ??= new NamespaceStatus();
        if (string.IsNullOrEmpty(status.Phase))
        {
            status.Phase = "Active";
        }
    }

    /// <summary>
    /// On create a namespace gets the "kubernetes" finalizer and phase Active. Not a plain default:
    /// the namespace controller removes the finalizer while deleting, and it must stay removed.
    /// </summary>
    public static void PrepareNamespaceForCreate(Namespace ns)
    {
        var spec = ns.Spec ??= new NamespaceSpec();
        spec.Finalizers ??= [];
        if (!spec.Finalizers.Contains(KubernetesFinalizer))
        {
            spec.Finalizers.Add(KubernetesFinalizer);
        }
        ns.Status = new NamespaceStatus { Phase = "Active" };
    }

    public static void ApplyNode(Node node)
    {
        if (node.Status is not { } status)
        {
            return;
        }
        ResourceListDefaults.RoundToMilli(status.Capacity);
        ResourceListDefaults.RoundToMilli(status.Allocatable);
        if (status.Allocatable is null && status.Capacity is not null)
        {
            status.Allocatable = new Dictionary<string, Resources.Quantity>(status.Capacity);
        }
    }

    public static void ApplySecret(Secret secret)
    {
        if (string.IsNullOrEmpty(secret.Type))
        {
            secret.Type = "Opaque";
        }

        // stringData is write-only: upstream folds it into data while decoding (it wins on a clash)
        // and never stores or returns it.
        if (secret.StringData is { } plain)
        {
            secret.Data ??= [];
            foreach (var (key, value) in plain)
            {
                secret.Data[key] = System.Text.Encoding.UTF8.GetBytes(value);
            }
            secret.StringData = null;
        }
    }

    public static void ApplyEndpoints(Endpoints endpoints)
    {
        foreach (var port in (endpoints.Subsets ?? []).SelectMany(s => s.Ports ?? []))
        {
            if (string.IsNullOrEmpty(port.Protocol))
            {
                port.Protocol = "TCP";
            }
        }
    }

    public static void ApplyResourceQuota(ResourceQuota quota)
    {
        ResourceListDefaults.RoundToMilli(quota.Spec?.Hard);
        ResourceListDefaults.RoundToMilli(quota.Status?.Hard);
        ResourceListDefaults.RoundToMilli(quota.Status?.Used);
    }

    public static void ApplyLimitRange(LimitRange limitRange)
    {
        foreach (var item in limitRange.Spec?.Limits ?? [])
        {
            ResourceListDefaults.RoundToMilli(item.Max);
            ResourceListDefaults.RoundToMilli(item.Min);
            ResourceListDefaults.RoundToMilli(item.Default);
            ResourceListDefaults.RoundToMilli(item.DefaultRequest);
            ResourceListDefaults.RoundToMilli(item.MaxLimitRequestRatio);
            if (item.Type != "Container")
            {
                continue;
            }

            // A container limit defaults to the max; a default request to the default limit, else the min.
            // Empty maps are left unset: upstream's empty maps vanish on the wire anyway.
            var defaults = new Dictionary<string, Resources.Quantity>(item.Default ?? []);
            foreach (var (name, max) in item.Max ?? [])
            {
                defaults.TryAdd(name, max);
            }
            var defaultRequests = new Dictionary<string, Resources.Quantity>(item.DefaultRequest ?? []);
            foreach (var (name, limit) in defaults)
            {
                defaultRequests.TryAdd(name, limit);
            }
            foreach (var (name, min) in item.Min ?? [])
            {
                defaultRequests.TryAdd(name, min);
            }
            item.Default = defaults.Count > 0 ? defaults : item.Default;
            item.DefaultRequest = defaultRequests.Count > 0 ? defaultRequests : item.DefaultRequest;
        }
    }

    public static void ApplyEndpointSlice(EndpointSlice slice)
    {
        foreach (var port in slice.Ports ?? [])
        {
            port.Name ??= "";
            port.Protocol ??= "TCP";
        }
    }
}
