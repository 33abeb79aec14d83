using Axolotl.Agent.Token;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Token;

public sealed class TokenManagerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private sealed class CountingRequester(FakeTimeProvider clock) : ITokenRequester
    {
        public int Calls { get; private set; }

        public Exception? Failure { get; set; }

        public Task<ServiceAccountToken> RequestAsync(Pod pod, string? audience, long expirationSeconds, CancellationToken ct)
        {
            if (Failure is not null)
            {
                throw Failure;
            }
            Calls++;
            return Task.FromResult(new ServiceAccountToken($"token-{Calls}", clock.GetUtcNow().AddSeconds(expirationSeconds), expirationSeconds));
        }
    }

    private static readonly Pod Pod = new() { Metadata = new ObjectMeta { Namespace = "apps", Name = "p", Uid = "u1" }, Spec = new PodSpec { ServiceAccountName = "default" } };

    [Theory]
    [InlineData(0.0, 2879, false)]
    [InlineData(0.0, 2881, true)]
    [InlineData(0.99, 2872, true)]
    public void A_token_is_renewed_after_80_percent_of_its_life_less_the_jitter(double jitter, int elapsedSeconds, bool renew)
    {
        var issued = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var token = new ServiceAccountToken("t", issued.AddSeconds(3600), 3600);

        Assert.Equal(renew, TokenRefresh.RequiresRefresh(token, issued.AddSeconds(elapsedSeconds), jitter));
    }

    [Fact]
    public void A_long_lived_token_is_renewed_after_a_day()
    {
        var issued = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var token = new ServiceAccountToken("t", issued.AddDays(365), 365L * 86400);

        Assert.False(TokenRefresh.RequiresRefresh(token, issued.AddHours(23), 0));
        Assert.True(TokenRefresh.RequiresRefresh(token, issued.AddHours(24).AddSeconds(1), 0));
    }

    [Fact]
    public async Task The_cached_token_serves_until_it_is_due_then_a_new_one_is_asked_for()
    {
        var requester = new CountingRequester(_clock);
        var manager = new TokenManager(requester, _clock, NullLogger.Instance);

        var first = await manager.GetTokenAsync(Pod, null, 600, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(400));
        var again = await manager.GetTokenAsync(Pod, null, 600, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(90));
        var renewed = await manager.GetTokenAsync(Pod, null, 600, CancellationToken.None);

        Assert.Equal(("token-1", "token-1", "token-2"), (first, again, renewed));
    }

    [Fact]
    public async Task While_the_api_server_fails_an_unexpired_cached_token_is_kept_and_an_expired_one_is_not()
    {
        var requester = new CountingRequester(_clock);
        var manager = new TokenManager(requester, _clock, NullLogger.Instance);
        await manager.GetTokenAsync(Pod, null, 600, CancellationToken.None);

        requester.Failure = new HttpRequestException("connection refused");
        _clock.Advance(TimeSpan.FromSeconds(590));
        Assert.Equal("token-1", await manager.GetTokenAsync(Pod, null, 600, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<HttpRequestException>(() => manager.GetTokenAsync(Pod, null, 600, CancellationToken.None));
    }

    [Fact]
    public async Task A_deleted_pods_tokens_are_forgotten()
    {
        var manager = new TokenManager(new CountingRequester(_clock), _clock, NullLogger.Instance);
        await manager.GetTokenAsync(Pod, "vault", 600, CancellationToken.None);

        manager.ForgetPod("u1");

        Assert.Equal(0, manager.Count);
    }
}
