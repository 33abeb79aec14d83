using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheduling;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Hosting;

/// <summary>The namespaces, system priority classes and default StorageClass every cluster starts with, created at start when missing.</summary>
public static class Bootstrap
{
    public static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static async Task EnsureNamespacesAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, CancellationToken ct)
    {
        var type = KnownResources.Namespaces;
        foreach (var name in SystemNamespaces)
        {
            if (await objects.GetAsync(type, null, name, ct) is not null)
            {
                continue;
            }
            var ns = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["labels"] = new JsonObject { [WellKnown.LabelMetadataName] = name },
                },
            };
            ObjectMetaRules.PrepareForCreate(type, ns, clock.GetUtcNow());
            var admitted = admission.Admit(type, ns, null, FieldValidationMode.Strict, []);
            try
            {
                await objects.CreateAsync(type, admitted, ct);
            }
            catch (Errors.ApiException e) when (e.Code == 409)
            {
                // Created concurrently; fine.
            }
        }
    }

    /// <summary>The StorageClass k3s ships: the local-path provisioner, the cluster's default class.</summary>
    public const string LocalPathClass = "local-path";

    public const string LocalPathProvisioner = "rancher.io/local-path";

    /// <summary>
    /// Creates the default StorageClass <c>local-path</c> when it is missing (as k3s deploys its
    /// local-storage manifest at every start): WaitForFirstConsumer, so a claim's volume is made on
    /// the node of the first pod that uses it; Delete, so the directory goes with the claim.
    /// </summary>
    public static async Task EnsureStorageClassAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, CancellationToken ct)
    {
        var type = KnownResources.StorageClasses;
        if (await objects.GetAsync(type, null, LocalPathClass, ct) is not null)
        {
            return;
        }
        var storageClass = new JsonObject
        {
            ["apiVersion"] = "storage.k8s.io/v1",
            ["kind"] = "StorageClass",
            ["metadata"] = new JsonObject
            {
                ["name"] = LocalPathClass,
                ["annotations"] = new JsonObject { ["storageclass.kubernetes.io/is-default-class"] = "true" },
            },
            ["provisioner"] = LocalPathProvisioner,
            ["reclaimPolicy"] = "Delete",
            ["volumeBindingMode"] = "WaitForFirstConsumer",
        };
        ObjectMetaRules.PrepareForCreate(type, storageClass, clock.GetUtcNow());
        var admitted = admission.Admit(type, storageClass, null, FieldValidationMode.Strict, []);
        try
        {
            await objects.CreateAsync(type, admitted, ct);
        }
        catch (Errors.ApiException e) when (e.Code == 409)
        {
            // Created concurrently; fine.
        }
    }

    /// <summary>
    /// Creates system-node-critical and system-cluster-critical when missing, as kube-apiserver's
    /// scheduling post-start hook does; one that exists is left as it is (its value cannot change).
    /// </summary>
    public static async Task EnsurePriorityClassesAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, CancellationToken ct)
    {
        var type = KnownResources.PriorityClasses;
        foreach (var (name, value) in SystemPriorityClasses.Values)
        {
            if (await objects.GetAsync(type, null, name, ct) is not null)
            {
                continue;
            }
            var priorityClass = new JsonObject
            {
                ["apiVersion"] = type.ApiVersion,
                ["kind"] = type.Kind,
                ["metadata"] = new JsonObject { ["name"] = name },
                ["value"] = value,
                ["description"] = SystemPriorityClasses.Descriptions[name],
            };
            ObjectMetaRules.PrepareForCreate(type, priorityClass, clock.GetUtcNow());
            var admitted = admission.Admit(type, priorityClass, null, FieldValidationMode.Strict, []);
            try
            {
                await objects.CreateAsync(type, admitted, ct);
            }
            catch (Errors.ApiException e) when (e.Code == 409)
            {
                // Created concurrently; fine.
            }
        }
    }
}
