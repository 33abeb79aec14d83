using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Rest;

namespace Axolotl.ApiServer.Hosting;

/// <summary>The namespaces every cluster starts with, created at start when missing.</summary>
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
                    ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name },
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
}
