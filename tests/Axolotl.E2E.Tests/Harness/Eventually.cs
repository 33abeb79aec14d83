namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// The shared poll-with-deadline (tests/Axolotl.Testing/Eventually.cs, linked as source because this
/// project takes no project references) with the defaults of a real process: a longer deadline and a
/// slower poll that slows further as a wait goes on (150 ms, then half as long again each time, up to 600 ms), since
/// each probe here starts kubectl or crosses the network, and three tests at once polling kubectl every 150 ms took
/// CPU from the servers they were waiting for.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(600);

    public static Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        Axolotl.Testing.Eventually.UntilAsync(probe, done, what, timeout: timeout ?? DefaultTimeout, interval: Interval, maxInterval: MaxInterval);

    /// <summary>Runs kubectl until its result satisfies <paramref name="done"/>.</summary>
    public static Task<ProcessResult> KubectlAsync(Kubectl kubectl, Func<ProcessResult, bool> done, string what, params string[] args) =>
        UntilAsync(() => kubectl.RunAsync(args), done, what);
}
