using Axolotl.ApiServer.Security;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Security;

public sealed class TokenAuthenticationCacheTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 4, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, Principal?> _answers = new(StringComparer.Ordinal);
    private int _asked;

    private Task<Principal?> AskAsync(string token, CancellationToken ct)
    {
        _asked++;
        return Task.FromResult(_answers.GetValueOrDefault(token));
    }

    private static Principal Account(string name) => Principal.ServiceAccount("apps", name, $"{name}-uid", new Dictionary<string, IReadOnlyList<string>>());

    [Fact]
    public async Task A_token_that_authenticated_is_not_checked_again_for_ten_seconds()
    {
        var cache = new TokenAuthenticationCache(_clock);
        _answers["a"] = Account("builder");

        var first = await cache.AuthenticateAsync("a", AskAsync, CancellationToken.None);
        _answers["a"] = null; // its ServiceAccount deleted meanwhile: upstream's cache answers from memory all the same
        _clock.Advance(TimeSpan.FromSeconds(9.9));
        var second = await cache.AuthenticateAsync("a", AskAsync, CancellationToken.None);

        Assert.Equal(1, _asked);
        Assert.Same(first, second);

        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(await cache.AuthenticateAsync("a", AskAsync, CancellationToken.None));
        Assert.Equal(2, _asked);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_refused_token_is_asked_about_every_time()
    {
        var cache = new TokenAuthenticationCache(_clock);

        Assert.Null(await cache.AuthenticateAsync("forged", AskAsync, CancellationToken.None));
        Assert.Null(await cache.AuthenticateAsync("forged", AskAsync, CancellationToken.None));

        Assert.Equal(2, _asked);
    }

    [Fact]
    public async Task Different_tokens_get_their_own_principals()
    {
        var cache = new TokenAuthenticationCache(_clock);
        _answers["a"] = Account("flooder");
        _answers["b"] = Account("writer");

        Assert.Equal("system:serviceaccount:apps:flooder", (await cache.AuthenticateAsync("a", AskAsync, CancellationToken.None))!.User);
        Assert.Equal("system:serviceaccount:apps:writer", (await cache.AuthenticateAsync("b", AskAsync, CancellationToken.None))!.User);
        Assert.Equal("system:serviceaccount:apps:flooder", (await cache.AuthenticateAsync("a", AskAsync, CancellationToken.None))!.User);
        Assert.Equal(2, _asked);
    }

    [Fact]
    public async Task A_full_cache_drops_expired_entries_and_otherwise_remembers_no_more()
    {
        var cache = new TokenAuthenticationCache(_clock, TimeSpan.FromSeconds(10), capacity: 2);
        foreach (var token in new[] { "a", "b", "c", "d" })
        {
            _answers[token] = Account(token);
        }
        await cache.AuthenticateAsync("a", AskAsync, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await cache.AuthenticateAsync("b", AskAsync, CancellationToken.None);

        // Full, nothing expired: c authenticates but is not remembered.
        Assert.NotNull(await cache.AuthenticateAsync("c", AskAsync, CancellationToken.None));
        Assert.NotNull(await cache.AuthenticateAsync("c", AskAsync, CancellationToken.None));
        Assert.Equal(4, _asked);
        Assert.Equal(2, cache.Count);

        // a has expired: it makes room for d.
        _clock.Advance(TimeSpan.FromSeconds(5));
        await cache.AuthenticateAsync("d", AskAsync, CancellationToken.None);
        await cache.AuthenticateAsync("d", AskAsync, CancellationToken.None);
        Assert.Equal(5, _asked);
        Assert.Equal(2, cache.Count);
    }
}
