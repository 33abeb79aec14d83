using System.Diagnostics;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>Polls a probe until it reports done or a deadline passes: the only way tests wait.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(150);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
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
                Assert.Fail($"timed out after {limit.TotalSeconds:0}s waiting for {what}; last observation:\n{last}");
            }
            await Task.Delay(Interval);
        }
    }

    /// <summary>Runs kubectl until its result satisfies <paramref name="done"/>.</summary>
    public static Task<ProcessResult> KubectlAsync(Kubectl kubectl, Func<ProcessResult, bool> done, string what, params string[] args) =>
        UntilAsync(() => kubectl.RunAsync(args), done, what);
}
