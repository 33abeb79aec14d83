using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Upstream's cached token authenticator with kube-apiserver's defaults: a token that authenticated is taken at its
/// word for 10 seconds, a refused one is asked again every time. A ServiceAccount JWT otherwise costs an ECDSA
/// signature check and store reads of the objects behind it on every request, before flow control has classified
/// it, so a client flooding the server made even its own 429s dear for everyone else. As upstream, a token whose
/// ServiceAccount, pod or secret was just deleted (or that just expired) may still pass for those 10 seconds.
/// Entries are keyed by the token's SHA-256 (the cache keeps no bearer token) and at most <c>capacity</c> are held:
/// when full, expired ones go, and a token beyond that is authenticated without being remembered.
/// </summary>
public sealed class TokenAuthenticationCache(TimeProvider clock, TimeSpan successTtl, int capacity = TokenAuthenticationCache.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    /// <summary>kube-apiserver's TokenSuccessCacheTTL.</summary>
    public static readonly TimeSpan DefaultSuccessTtl = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TokenAuthenticationCache(TimeProvider clock) : this(clock, DefaultSuccessTtl)
    {
    }

    public int Count => _entries.Count;

    /// <summary>The remembered principal of <paramref name="token"/>, else what <paramref name="authenticate"/> says (remembered when not null).</summary>
    public async Task<Principal?> AuthenticateAsync(string token, Func<string, CancellationToken, Task<Principal?>> authenticate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(authenticate);
        var key = Key(token);
        if (_entries.TryGetValue(key, out var entry) && clock.GetUtcNow() < entry.Expires)
        {
            return entry.Principal;
        }
        var principal = await authenticate(token, ct);
        if (principal is null)
        {
            _entries.TryRemove(key, out _);
            return null;
        }
        Remember(key, new Entry(principal, clock.GetUtcNow() + successTtl));
        return principal;
    }

    private void Remember(string key, Entry entry)
    {
        if (!_entries.ContainsKey(key) && _entries.Count >= capacity)
        {
            var now = clock.GetUtcNow();
            foreach (var (stale, old) in _entries)
            {
                if (now >= old.Expires)
                {
                    _entries.TryRemove(stale, out _);
                }
            }
            if (_entries.Count >= capacity)
            {
                return;
            }
        }
        _entries[key] = entry;
    }

    private static string Key(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private readonly record struct Entry(Principal Principal, DateTimeOffset Expires);
}
