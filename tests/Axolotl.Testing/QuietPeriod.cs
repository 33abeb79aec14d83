using System.Diagnostics;
using Xunit;

namespace Axolotl.Testing;

/// <summary>
/// The one place a test waits a fixed time: to show that something does not happen. The wait is named
/// by what must stay true, and the condition is checked throughout, so a violation fails at once and
/// with what was seen instead of only at the end. Waiting for something to happen is <see cref="Eventually"/>.
/// </summary>
public static class QuietPeriod
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Checks <paramref name="holds"/> for <paramref name="length"/> of real time, and once more at the end.</summary>
    public static Task HoldsAsync(TimeSpan length, Func<bool> holds, string what, Func<string>? observe = null) =>
        HoldsAsync(length, () => Task.FromResult(holds()), what, observe);

    /// <summary>The same for a condition read over the network (each check is one round trip).</summary>
    public static async Task HoldsAsync(TimeSpan length, Func<Task<bool>> holds, string what, Func<string>? observe = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var done = clock.Elapsed >= length;
            if (!await holds())
            {
                Assert.Fail(Broken(what, clock.Elapsed, length, observe));
            }
            if (done)
            {
                return;
            }
            await Task.Delay(Interval);
        }
    }

    /// <summary>
    /// Lets <paramref name="length"/> of real time pass for <paramref name="whatMustNotHappen"/> to have its chance;
    /// for subjects that cannot be observed during the wait. The caller asserts afterwards that it did not happen.
    /// </summary>
    public static Task WaitAsync(TimeSpan length, string whatMustNotHappen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(whatMustNotHappen);
        return Task.Delay(length);
    }

    /// <summary>The blocking form of <see cref="HoldsAsync"/>.</summary>
    public static void Holds(TimeSpan length, Func<bool> holds, string what, Func<string>? observe = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var done = clock.Elapsed >= length;
            if (!holds())
            {
                Assert.Fail(Broken(what, clock.Elapsed, length, observe));
            }
            if (done)
            {
                return;
            }
            Thread.Sleep(Interval);
        }
    }

    private static string Broken(string what, TimeSpan at, TimeSpan length, Func<string>? observe) =>
        $"{what} stopped holding {at.TotalMilliseconds:0} ms into a {length.TotalMilliseconds:0} ms quiet period; observed:\n{observe?.Invoke() ?? "(false)"}";
}
