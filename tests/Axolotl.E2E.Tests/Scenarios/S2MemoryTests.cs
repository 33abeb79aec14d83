using System.Globalization;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S2 step 5 (seed 001, 12.4) as examples/s2-probes-resources-quotas/README.md walks it: the
/// memory allocator grows freely without a limit and, with a 50Mi limit, is OOM-killed and restarted
/// again and again.
/// </summary>
[Collection(S2Kit.Collection)]
public sealed partial class S2MemoryTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private async Task<int> HeldMiBAsync()
    {
        // Fails while the container is being created or restarted: then there is no figure yet.
        var last = await fx.Kubectl.RunAsync("logs", "-l", "app=memory-allocator", "--tail", "1");
        var match = Mib().Match(last.Stdout);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    [Fact]
    public async Task Without_a_limit_the_allocator_grows_and_with_50Mi_it_is_OOMKilled_again_and_again()
    {
        var allocatable = await fx.Kubectl.OkAsync("get", "nodes", "-o", "jsonpath={.items[].status.allocatable.memory}");
        Assert.Matches(@"^\d+Ki$", allocatable);
        Assert.Equal("deployment.apps/memory-allocator created\n", await S2Kit.ApplyAsync(fx, "memory-allocator/"));
        var first = await Eventually.UntilAsync(HeldMiBAsync, m => m > 0, "a first allocation logged", S2Kit.Slow);
        var later = await Eventually.UntilAsync(HeldMiBAsync, m => m > first, "the allocation to grow", S2Kit.Slow);
        Assert.True(later > first);

        Assert.Equal("deployment.apps/memory-allocator configured\n", await S2Kit.ApplyAsync(fx, "memory-allocator/update/memory-allocator-with-limit.yaml"));
        var pod = await Eventually.UntilAsync(async () => (await fx.Kubectl.OkAsync("get", "pods", "-l", "app=memory-allocator",
                "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].restartCount}{\"\\n\"}{end}")).Trim(),
            t => t.Split('\n').Length == 1 && Regex.IsMatch(t, @"^\S+ [2-9]$"), "one pod, restarted twice", TimeSpan.FromSeconds(90));
        var name = pod.Split(' ')[0];
        var describe = await fx.Kubectl.OkAsync("describe", "pod", name);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137", describe);
        Assert.Contains("Limits:\n      memory:  50Mi", describe);
        var table = await fx.Kubectl.OkAsync("get", "pods", "-l", "app=memory-allocator");
        Assert.Matches(Regex.Escape(name) + @"\s+[01]/1\s+(Running|OOMKilled|CrashLoopBackOff)\s+[2-9]", table);
        Assert.True(await HeldMiBAsync() is >= 0 and < 50, "the restarted allocator holds less than its limit");
    }

    [GeneratedRegex(@"(\d+)\s*MiB")]
    private static partial Regex Mib();
}
