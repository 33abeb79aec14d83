using Axolotl.Proxy.Standby;
using Microsoft.Win32.SafeHandles;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// libnftables waits on its netlink socket with select(): a context whose socket lands at descriptor 1024 or above
/// aborts the whole process at its first transaction (glibc's fortified FD_SET). A process that holds that many is
/// refused a context, and gets one once it holds fewer.
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class LibNftablesDescriptorTests
{
    [RootFact]
    public async Task No_context_is_made_while_the_process_holds_more_descriptors_than_select_can_wait_on()
    {
        var held = new List<SafeFileHandle>();
        try
        {
            while (Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() < 1100)
            {
                held.Add(File.OpenHandle("/dev/null"));
            }

            Assert.Null(LibNftables.TryCreate(out var tooManyOpen));
            Assert.True(tooManyOpen);
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }

        // Other test classes of this process run meanwhile and open and close sockets of their own (it held 1,146 once,
        // between the count and the context): as the proxy's writer does, try again until the process as a whole is
        // under the limit when the context is made.
        await using var node = await StandbyNamespace.CreateAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        (bool Made, bool TooManyOpen, (int, string)? Result) attempt;
        do
        {
            while (Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() >= LibNftables.MaxOpenForContext - 32 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            attempt = await node.RunInsideAsync(() =>
            {
                var nft = LibNftables.TryCreate(out var tooManyOpen);
                return Task.FromResult((nft is not null && !tooManyOpen, tooManyOpen, nft?.Run("add table ip axlfdtest\ndelete table ip axlfdtest\n")));
            });
        }
        while (!attempt.Made && attempt.TooManyOpen && DateTime.UtcNow < deadline);
        Assert.True(attempt.Made, $"no context with {Directory.EnumerateFileSystemEntries("/proc/self/fd").Count()} descriptors open (too many when tried: {attempt.TooManyOpen})");
        var result = attempt.Result;
        Assert.Equal((0, ""), result);
    }

    [Fact]
    public void The_limit_leaves_room_below_fd_setsize_for_descriptors_other_threads_open_meanwhile()
    {
        Assert.Null(LibNftables.TryCreate(() => LibNftables.MaxOpenForContext, out var tooManyOpen));
        Assert.True(tooManyOpen);
        Assert.InRange(LibNftables.MaxOpenForContext, 512, 1024 - 64);
    }
}
