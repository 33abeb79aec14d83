using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Admission.LimitRange;
using Axolotl.ApiServer.Admission.PodSecurity;
using Axolotl.ApiServer.Admission.Policies;
using Axolotl.ApiServer.Admission.Quota;
using Axolotl.ApiServer.Admission.Storage;
using Axolotl.ApiServer.Admission.Webhooks;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Hosting;

/// <summary>
/// The one place the admission plugins and their order are written down: kube-apiserver's order
/// (its AllOrderedPlugins) for the plugins Axolotl has, then the checks upstream makes outside
/// admission, then ResourceQuota last. Mutating plugins run in this order, then validating plugins in
/// this order (docs/adr/0019-inside-the-api-server.md has the table).
/// </summary>
public static class AdmissionOrder
{
    public static AdmissionPlugins Build(ApiServerOptions options, ObjectStore objects, Authorizer authorizer, TimeProvider clock, ILoggerFactory logging,
        ResourceCatalog? catalog = null)
    {
        // The policy cache, like the webhook configurations, is started by the host before it serves.
        var policies = new ValidatingAdmissionPolicyPlugin(new PolicyCache(objects, clock, logging.CreateLogger<PolicyCache>()),
            new PolicyParams(objects, catalog ?? new ResourceCatalog()), objects, clock, logging.CreateLogger<ValidatingAdmissionPolicyPlugin>());
        // One configuration cache for both webhook plugins; the host starts it before serving.
        var webhooks = new WebhookConfigurationCache(objects, clock, logging.CreateLogger<WebhookConfigurationCache>());
        var invoker = new WebhookInvoker(new WebhookClient(new Backends.BackendTransport(), ResolveServiceWebhook(objects), clock), objects, logging.CreateLogger<WebhookInvoker>());
        List<IAdmissionPlugin> ordered =
        [
            new NamespaceLifecycle(objects),
            new LimitRanger(objects),
        ];
        if (options.ServiceAccountAdmission)
        {
            ordered.Add(new ServiceAccountAdmission(objects, clock));
        }
        ordered.AddRange(
        [
            // Upstream registers NodeRestriction as mutating, but it only refuses; as a validating plugin it judges the admitted object.
            new NodeRestriction(),
            new PodSecurityAdmission(objects, options.PodSecurity, clock, logging.CreateLogger<PodSecurityAdmission>()),
            new PriorityAdmission(objects),
            options.DefaultTolerations,
            // DefaultStorageClass, StorageObjectInUseProtection and PersistentVolumeClaimResize, adjacent upstream.
            new StorageAdmission(objects),
            new CertificateSignerAdmission(authorizer),
            // At CertificateSubjectRestriction's place: Axolotl's rule for what joining nodes may request.
            new CertificateRequestRestriction(objects, clock),
            // Checks upstream makes in its storage layer (RBAC's escalation check) or allocators (pod CIDRs).
            new RbacEscalation(authorizer, objects),
            new NodeCidrClaims(objects),
            // After every built-in plugin, before ResourceQuota, as upstream: webhooks see what the plugins above made of the object.
            new MutatingAdmissionWebhook(webhooks, invoker),
            policies,
            new ValidatingAdmissionWebhook(webhooks, invoker),
            // Last: it counts what the plugins above admitted and holds that count until the write.
            new QuotaAdmission(objects, clock, logging.CreateLogger<QuotaAdmission>()),
        ]);
        return new AdmissionPlugins(ordered);
    }

    /// <summary>A Service webhook is reached as services/NAME/proxy reaches a Service: a ready endpoint of the Service port.</summary>
    public static WebhookServiceResolver ResolveServiceWebhook(ObjectStore objects)
    {
        var locations = new Proxy.ProxyLocations(objects);
        return async (ns, name, port, ct) =>
        {
            var address = await locations.ServiceAsync(ns, $"https:{name}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", ct);
            return new System.Net.IPEndPoint(address.Address, address.Port);
        };
    }
}
