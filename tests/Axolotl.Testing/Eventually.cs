using System.Diagnostics;
using Xunit;

namespace Axolotl.Testing;

/// <summary>
/// Polls a probe on the real clock until it reports done or a deadline passes, then fails with the last
/// observation: the one way tests wait for something to happen. Background work (informers, controllers,
/// writers) runs off the test's thread, so the deadline is wall time even where the subject runs on a
/// <see cref="FakeTimeProvider"/>. The end-to-end and store suites, which take no reference to this project, link this file.
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a loaded CI machine; a passing test returns at the first satisfied probe.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Probes until <paramref name="done"/> holds for the observation, and returns that observation; on time-out
    /// the failure shows the last observation through <paramref name="describe"/> (its ToString without).
    /// </summary>
    /// <param name="maxInterval">
    /// When longer than <paramref name="interval"/>, the pause grows by half after each probe up to it: a probe that
    /// starts a process costs CPU the subject under test needs, and a long wait rarely needs a fast poll.
    /// </param>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, Func<T, string>? describe = null, TimeSpan? timeout = null, TimeSpan? interval = null,
        TimeSpan? maxInterval = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var pause = interval ?? DefaultInterval;
        var longest = maxInterval is { } max && max > pause ? max : pause;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var last = await probe();
            if (done(last))
            {
                return last;
            }
            if (clock.Elapsed > limit)
            {
                Assert.Fail(TimedOut(limit, what, describe is null ? $"{last}" : describe(last)));
            }
            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(longest.Ticks, pause.Ticks * 3 / 2));
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is true; <paramref name="observe"/>, when given, describes the state on failure.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, Func<string>? observe = null, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, observe, timeout);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, Func<string>? observe = null, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail(TimedOut(limit, what, observe?.Invoke() ?? "(false)"));
            }
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>The blocking form, for synchronous tests whose subject runs on other threads.</summary>
    public static T Until<T>(Func<T> probe, Func<T, bool> done, string what, Func<T, string>? describe = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var last = probe();
            if (done(last))
            {
                return last;
            }
            if (clock.Elapsed > limit)
            {
                Assert.Fail(TimedOut(limit, what, describe is null ? $"{last}" : describe(last)));
            }
            Thread.Sleep(DefaultInterval);
        }
    }

    public static void True(Func<bool> condition, string what, Func<string>? observe = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail(TimedOut(limit, what, observe?.Invoke() ?? "(false)"));
            }
            Thread.Sleep(DefaultInterval);
        }
    }

    private static string TimedOut(TimeSpan limit, string what, string last) =>
        $"timed out after {limit.TotalSeconds:0.#}s waiting for {what}; last observation:\n{last}";
}
