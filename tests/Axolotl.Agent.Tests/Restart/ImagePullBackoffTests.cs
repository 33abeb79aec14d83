using Axolotl.Agent.Restart;
using Axolotl.Images;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Restart;

public class ImagePullBackoffTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void FailedPullsWaitTenSecondsDoublingToFiveMinutes()
    {
        var backoff = new ImagePullBackoff(RestartBackoffOptions.Kubernetes, _clock);
        var key = ImagePullBackoff.Key("uid", "nginx:1.17.23");
        var delays = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            Assert.False(backoff.IsInBackoff(key, out _));
            var delay = backoff.RecordFailure(key);
            delays.Add((int)delay.TotalSeconds);
            Assert.True(backoff.IsInBackoff(key, out var remaining));
            Assert.Equal(delay, remaining);
            _clock.Advance(delay - TimeSpan.FromSeconds(1));
            Assert.True(backoff.IsInBackoff(key, out remaining));
            Assert.Equal(TimeSpan.FromSeconds(1), remaining);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(new[] { 10, 20, 40, 80, 160, 300, 300, 300 }, delays);
    }

    [Fact]
    public void ASuccessfulPullForgetsTheFailures()
    {
        var backoff = new ImagePullBackoff(RestartBackoffOptions.Kubernetes, _clock);
        backoff.RecordFailure("k");
        _clock.Advance(TimeSpan.FromSeconds(10));
        backoff.RecordFailure("k");
        backoff.RecordSuccess("k");

        Assert.False(backoff.IsInBackoff("k", out _));
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.RecordFailure("k"));
    }

    [Fact]
    public void FailuresMoreThanTheResetPeriodApartStartOver()
    {
        var backoff = new ImagePullBackoff(RestartBackoffOptions.Kubernetes, _clock);
        backoff.RecordFailure("k");
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(20), backoff.RecordFailure("k"));

        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.RecordFailure("k"));
    }

    [Fact]
    public void KeysBackOffIndependently()
    {
        var backoff = new ImagePullBackoff(RestartBackoffOptions.Kubernetes, _clock);
        backoff.RecordFailure(ImagePullBackoff.Key("a", "img"));
        Assert.False(backoff.IsInBackoff(ImagePullBackoff.Key("b", "img"), out _));
        Assert.Equal("Back-off pulling image \"nginx:1.17.23\"", ImagePullMessages.BackOff("nginx:1.17.23"));
    }

    [Fact]
    public void The_back_off_message_carries_the_last_pulls_error_as_the_kubelet_1_32_words_it()
    {
        var backoff = new ImagePullBackoff(RestartBackoffOptions.Kubernetes, _clock);
        Assert.Null(backoff.LastError("k"));
        Assert.Equal("Back-off pulling image \"img:1\"", ImagePullMessages.BackOffWaiting("img:1", backoff.LastError("k")));

        backoff.RecordFailure("k", ImagePullMessages.LastPullError("ErrImagePull", "rpc error: code = NotFound desc = no such tag"));
        Assert.Equal("Back-off pulling image \"img:1\": ErrImagePull: rpc error: code = NotFound desc = no such tag",
            ImagePullMessages.BackOffWaiting("img:1", backoff.LastError("k")));

        _clock.Advance(TimeSpan.FromSeconds(10));
        backoff.RecordFailure("k", ImagePullMessages.LastPullError("ErrImagePull", "rpc error: code = Unauthenticated desc = denied"));
        Assert.Equal("ErrImagePull: rpc error: code = Unauthenticated desc = denied", backoff.LastError("k"));

        backoff.RecordSuccess("k");
        Assert.Null(backoff.LastError("k"));
    }
}
