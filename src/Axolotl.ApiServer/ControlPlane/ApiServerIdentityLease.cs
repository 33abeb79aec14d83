using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// This API server's Lease in kube-system, as kube-apiserver's APIServerIdentity keeps one: named
/// <c>apiserver-&lt;hash&gt;</c>, labelled <c>apiserver.kubernetes.io/identity=kube-apiserver</c>,
/// holderIdentity <c>&lt;name&gt;_&lt;uuid&gt;</c>, renewed every reconcile round and collected by any
/// server once it has gone unrenewed for its duration. The lease also says where the server is
/// reached (annotations), so the <c>kubernetes</c> Service's endpoints can list every server whose
/// lease is live: upstream's lease endpoint reconciler does this with TTL keys in etcd.
/// </summary>
public sealed class ApiServerIdentityLease(ObjectStore objects, AdmissionChain admission, TimeProvider clock, IPAddress? advertiseAddress, int port, IPEndPoint? livenessEndpoint = null)
{
    public const string Namespace = "kube-system";
    public const string IdentityLabel = "apiserver.kubernetes.io/identity";
    public const string IdentityValue = "kube-apiserver";
    public const string AddressAnnotation = "axolotl.io/advertise-address";
    public const string PortAnnotation = "axolotl.io/port";

    /// <summary>Where other servers can tell whether this one's process still listens (<see cref="ServerLiveness"/>): an address it listens on itself, never a forwarded one.</summary>
    public const string LivenessEndpointAnnotation = "axolotl.io/liveness-endpoint";

    /// <summary>The network namespace the server runs in (boot ID and namespace inode): a loopback liveness endpoint means something only there.</summary>
    public const string NetworkNamespaceAnnotation = "axolotl.io/network-namespace";

    /// <summary>Upstream's identity lease duration: an hour, after which the lease is collected.</summary>
    public const int LeaseDurationSeconds = 3600;

    /// <summary>Upstream's master endpoint reconcile TTL: a server unrenewed this long leaves the endpoints.</summary>
    public static readonly TimeSpan EndpointTtl = TimeSpan.FromSeconds(15);

    /// <summary>
    /// <c>apiserver-</c> and a hash: upstream hashes the host name (one server per host); with several
    /// servers on one host the address and port they serve on tell them apart.
    /// </summary>
    public string Name { get; } = NameFor(Environment.MachineName, advertiseAddress ?? livenessEndpoint?.Address, port);

    /// <summary>An address and port this process itself listens on, where others probe whether it is still there.</summary>
    public IPEndPoint? LivenessEndpoint { get; } = livenessEndpoint;

    /// <summary>A UUID fresh for this process: the part after the last underscore of its holder identities (this lease's, and the controller manager's and scheduler's Leases).</summary>
    public string ProcessUid { get; } = Guid.NewGuid().ToString();

    public string HolderIdentity => $"{Name}_{ProcessUid}";

    public static string NameFor(string hostname, IPAddress? address, int port)
    {
        var seed = address is null ? hostname : $"{hostname}/{address}:{port.ToString(CultureInfo.InvariantCulture)}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return "apiserver-" + Base32(hash.AsSpan(0, 16));
    }

    /// <summary>Creates or renews this server's lease.</summary>
    public async Task RenewAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = await objects.GetAsync(KnownResources.Leases, Namespace, Name, ct);
        if (current is null)
        {
            var lease = Desired(now, null);
            ObjectMetaRules.PrepareForCreate(KnownResources.Leases, lease, now);
            var admitted = admission.Admit(KnownResources.Leases, lease, null, FieldValidationMode.Strict, []);
            try
            {
                await objects.CreateAsync(KnownResources.Leases, admitted, ct);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // Made meanwhile (a restart racing its predecessor's last renewal): the next round renews it.
            }
            return;
        }
        var updated = Desired(now, current.Object);
        ObjectMetaRules.PrepareForUpdate(updated, current.Object);
        var admittedUpdate = admission.Admit(KnownResources.Leases, updated, current.Object, FieldValidationMode.Strict, []);
        try
        {
            await objects.UpdateAsync(KnownResources.Leases, admittedUpdate, current.Revision, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Someone wrote it meanwhile; the next round renews.
        }
    }

    /// <summary>The addresses (with ports) of the servers whose leases were renewed within <see cref="EndpointTtl"/>; expired leases are deleted.</summary>
    public async Task<IReadOnlyList<(string Address, int Port)>> LiveServersAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var live = new SortedSet<(string Address, int Port)>();
        var list = await objects.ListAsync(KnownResources.Leases, Namespace, 0, null, ct);
        foreach (var entry in list.Items)
        {
            var stored = ObjectStore.Decode(entry);
            var meta = ObjectMetaRules.Meta(stored.Object);
            if ((meta["labels"] as JsonObject)?[IdentityLabel]?.GetValue<string>() != IdentityValue)
            {
                continue;
            }
            var spec = stored.Object["spec"] as JsonObject;
            var renewed = spec?["renewTime"] is JsonValue r && DateTimeOffset.TryParse(r.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null;
            var duration = spec?["leaseDurationSeconds"] is JsonValue d && d.TryGetValue(out int seconds) ? seconds : LeaseDurationSeconds;
            if (renewed is null || now - renewed.Value > TimeSpan.FromSeconds(duration))
            {
                await DeleteExpiredAsync(ObjectMetaRules.Str(meta, "name") ?? "", stored.Revision, ct);
                continue;
            }
            if (now - renewed.Value > EndpointTtl)
            {
                continue;
            }
            var annotations = meta["annotations"] as JsonObject;
            if (annotations?[AddressAnnotation]?.GetValue<string>() is { } address && IPAddress.TryParse(address, out _)
                && int.TryParse(annotations[PortAnnotation]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                live.Add((address, p));
            }
        }
        return [.. live];
    }

    private async Task DeleteExpiredAsync(string name, long revision, CancellationToken ct)
    {
        try
        {
            await objects.DeleteAsync(KnownResources.Leases, Namespace, name, revision, ct);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Another server collected or renewed it.
        }
    }

    private JsonObject Desired(DateTimeOffset now, JsonObject? current)
    {
        var lease = current?.DeepClone().AsObject() ?? new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace },
        };
        var meta = ObjectMetaRules.Meta(lease);
        var labels = meta["labels"] as JsonObject ?? [];
        labels[IdentityLabel] = IdentityValue;
        labels[WellKnown.LabelHostname] = Environment.MachineName;
        meta["labels"] = labels;
        var annotations = meta["annotations"] as JsonObject ?? [];
        if (advertiseAddress is not null)
        {
            annotations[AddressAnnotation] = advertiseAddress.ToString();
            annotations[PortAnnotation] = port.ToString(CultureInfo.InvariantCulture);
        }
        if (LivenessEndpoint is not null)
        {
            annotations[LivenessEndpointAnnotation] = LivenessEndpoint.ToString();
            if (NetworkNamespace.Current is { } netns)
            {
                annotations[NetworkNamespaceAnnotation] = netns;
            }
        }
        meta["annotations"] = annotations;
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var spec = lease["spec"] as JsonObject ?? [];
        var mine = spec["holderIdentity"]?.GetValue<string>() == HolderIdentity;
        spec["holderIdentity"] = HolderIdentity;
        spec["leaseDurationSeconds"] = LeaseDurationSeconds;
        if (!mine)
        {
            spec["acquireTime"] = stamp;
        }
        spec["renewTime"] = stamp;
        lease["spec"] = spec;
        return lease;
    }

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
        {
            text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }
        return text.ToString();
    }
}
