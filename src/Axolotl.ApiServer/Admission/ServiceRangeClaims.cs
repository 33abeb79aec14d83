using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// One store key per allocated Service cluster IP and node port (as upstream's IPAddress objects, KEP-1880),
/// created with the store's create-if-absent: of two API servers (or two requests on one) picking the same
/// value, exactly one gets the key. A claim names the Service ("ns/name") and when it was made. It is live while
/// that Service holds the value, and for <see cref="InFlightGrace"/> after it was made (its Service's write may
/// still be on its way); after that a claim whose Service is gone or moved on is taken over with a
/// compare-and-swap. So nothing leaks when a Service is deleted, its type changes or its write fails: the value
/// becomes free again without a release step that a crash could skip.
/// </summary>
public sealed class ServiceRangeClaims(ObjectStore objects, TimeProvider clock)
{
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(30);

    private const string IpPrefix = "/axolotl.io/serviceips/";
    private const string PortPrefix = "/axolotl.io/servicenodeports/";

    public static string IpKey(string ip) => IpPrefix + ip;

    public static string PortKey(int port) => PortPrefix + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="owner"/> ("ns/name") holds the claim now (made, taken over, or its own already).</summary>
    public async Task<bool> TryClaimAsync(string key, string owner, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var entry = await objects.Store.GetAsync(key, ct);
            try
            {
                if (entry is null)
                {
                    await objects.Store.CreateAsync(key, Value(owner), ct);
                    return true;
                }
                var (holder, at) = Parse(entry.Value);
                if (holder == owner)
                {
                    return true;
                }
                if (await IsLiveAsync(key, holder, at, ct))
                {
                    return false;
                }
                await objects.Store.UpdateAsync(key, Value(owner), entry.ModRevision, ct);
                return true;
            }
            catch (StoreException e) when (e is KeyExistsException or RevisionConflictException or KeyNotFoundInStoreException)
            {
                // Another claimant moved first: look again.
            }
        }
        return false;
    }

    /// <summary>Every claimed value, live or stale (a picker skips them while others are free).</summary>
    public async Task<(HashSet<string> Ips, HashSet<int> Ports)> ClaimedAsync(CancellationToken ct)
    {
        var ips = new HashSet<string>(StringComparer.Ordinal);
        var ports = new HashSet<int>();
        foreach (var entry in (await objects.Store.ListAsync(IpPrefix, 0, null, ct)).Items)
        {
            ips.Add(entry.Key[IpPrefix.Length..]);
        }
        foreach (var entry in (await objects.Store.ListAsync(PortPrefix, 0, null, ct)).Items)
        {
            if (int.TryParse(entry.Key[PortPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                ports.Add(port);
            }
        }
        return (ips, ports);
    }

    /// <summary>Gives back a claim made for a Service that will not be written (best effort: an unreleased one expires).</summary>
    public async Task ReleaseAsync(string key, string owner, CancellationToken ct)
    {
        var entry = await objects.Store.GetAsync(key, ct);
        if (entry is null || Parse(entry.Value).Owner != owner)
        {
            return;
        }
        try
        {
            await objects.Store.DeleteAsync(key, entry.ModRevision, ct);
        }
        catch (StoreException e) when (e is RevisionConflictException or KeyNotFoundInStoreException)
        {
            // Taken over or gone meanwhile.
        }
    }

    private async Task<bool> IsLiveAsync(string key, string holder, DateTimeOffset at, CancellationToken ct)
    {
        if (clock.GetUtcNow() - at < InFlightGrace)
        {
            return true;
        }
        var slash = holder.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }
        var service = await objects.GetAsync(KnownResources.Services, holder[..slash], holder[(slash + 1)..], ct);
        if (service?.Object["spec"] is not JsonObject spec)
        {
            return false;
        }
        if (key.StartsWith(IpPrefix, StringComparison.Ordinal))
        {
            var ip = key[IpPrefix.Length..];
            return ObjectMetaRules.Str(spec, "clusterIP") == ip
                || (spec["clusterIPs"] as JsonArray)?.Any(n => n?.GetValueKind() == System.Text.Json.JsonValueKind.String && (string?)n == ip) == true;
        }
        var port = int.Parse(key[PortPrefix.Length..], CultureInfo.InvariantCulture);
        return (spec["ports"] as JsonArray)?.OfType<JsonObject>().Any(p => p["nodePort"] is JsonValue v && v.TryGetValue(out int n) && n == port) == true;
    }

    private byte[] Value(string owner) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["owner"] = owner, ["claimedAt"] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) }.ToJsonString());

    private static (string Owner, DateTimeOffset At) Parse(ReadOnlyMemory<byte> value)
    {
        try
        {
            var node = JsonNode.Parse(value.Span) as JsonObject;
            var owner = node?["owner"]?.GetValue<string>() ?? "";
            var at = DateTimeOffset.TryParse(node?["claimedAt"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : DateTimeOffset.MinValue;
            return (owner, at);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return ("", DateTimeOffset.MinValue); // unreadable: treated as stale
        }
    }
}
