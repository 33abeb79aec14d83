using System.Globalization;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// A node runs several of the launcher's processes per container for as long as the container runs (its
/// launcher, its init, the next attempt's standby launcher, PID 1 and waiting command), so what each keeps
/// is the node's cost per container: a quiet container's processes keep only the pages they still use.
/// </summary>
public sealed class LauncherMemoryTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // A static glibc process keeps about 45 kB of its own (data, TLS, stack); the launcher's attach struct
    // alone was 512 kB once it was cleared with memset, and set-up's stack 40-90 kB in every process.
    private const long LauncherLimitKb = 160;
    private const long AllLimitKb = 480;

    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Fact]
    public async Task A_quiet_containers_launcher_init_and_standby_keep_only_what_they_still_use()
    {
        var sandbox = await _rt.SandboxAsync("lean");
        var spec = _rt.Spec(sandbox, "main", "sleep", "100");
        var handle = await _rt.StartAsync(sandbox, spec);
        // The next attempt's standby, as the agent prepares it beside a running container.
        await _rt.Runtime.PrepareStandbyAsync(sandbox, spec with { LogPath = spec.LogPath + ".next" }, CancellationToken.None);
        var standby = _rt.Runtime.StandbyOf(sandbox.PodUid, "main")!;
        Assert.True(await standby.Ready.WaitAsync(Deadline));
        var init = ProcessRuntime.FindInit(Cgroups.Open($"{_rt.Options.CgroupRoot}/{sandbox.PodUid}/main"));
        Assert.NotNull(init);
        int[] standbys = [standby.Process.Id, .. Descendants(standby.Process.Id)];
        Assert.Equal(3, standbys.Length);

        // Each gives back its set-up's pages after a quiet spell (RELEASE_AFTER_MS, 250 ms).
        var kept = await Eventually.UntilAsync(() => Task.FromResult(standbys.Append(handle.Pid).Append(init.Value).Select(PrivateDirtyKb).ToList()),
            sizes => sizes[^2] <= LauncherLimitKb && sizes.Sum() <= AllLimitKb, "the launcher's processes releasing their set-up memory",
            sizes => "private kB (standby ×3, launcher, init): " + string.Join(", ", sizes), timeout: Deadline);

        Assert.InRange(kept[^2], 1, LauncherLimitKb);
        Assert.InRange(kept.Sum(), 1, AllLimitKb);
        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline);
    }

    private static long PrivateDirtyKb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/smaps_rollup").First(l => l.StartsWith("Private_Dirty:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        return children.Concat(children.SelectMany(Descendants));
    }
}
