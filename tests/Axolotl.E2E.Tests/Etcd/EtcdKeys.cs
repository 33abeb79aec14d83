using System.Text;
using System.Text.Json;

namespace Axolotl.E2E.Tests.Etcd;

/// <summary>Reads etcd directly through its JSON gateway, to see what the server stored and where.</summary>
public static class EtcdKeys
{
    /// <summary>The key's mod_revision and value, or null when etcd has no such key.</summary>
    public static async Task<(long ModRevision, byte[] Value)?> GetAsync(Uri etcd, string key)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)) });
        using var response = await http.PostAsync(new Uri(etcd, "/v3/kv/range"), new StringContent(body));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (!document.RootElement.TryGetProperty("kvs", out var kvs) || kvs.GetArrayLength() == 0)
        {
            return null;
        }

        var kv = kvs[0];
        var value = kv.TryGetProperty("value", out var v) ? v.GetBytesFromBase64() : [];
        return (long.Parse(kv.GetProperty("mod_revision").GetString()!, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    /// <summary>Every key under <paramref name="prefix"/> with its value.</summary>
    public static async Task<IReadOnlyList<(string Key, byte[] Value)>> ListAsync(Uri etcd, string prefix)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var start = Encoding.UTF8.GetBytes(prefix);
        var end = (byte[])start.Clone();
        end[^1]++;
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["key"] = Convert.ToBase64String(start), ["range_end"] = Convert.ToBase64String(end) });
        using var response = await http.PostAsync(new Uri(etcd, "/v3/kv/range"), new StringContent(body));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (!document.RootElement.TryGetProperty("kvs", out var kvs))
        {
            return [];
        }

        return [.. kvs.EnumerateArray().Select(kv => (Encoding.UTF8.GetString(kv.GetProperty("key").GetBytesFromBase64()),
            kv.TryGetProperty("value", out var v) ? v.GetBytesFromBase64() : []))];
    }
}
