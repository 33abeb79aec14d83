using System.Text.RegularExpressions;
using Axolotl.Runtime.Seccomp;

namespace Axolotl.Runtime.Tests.Seccomp;

/// <summary>The checked-in system call tables are the kernel headers' (asm/unistd_64.h, _x32.h, _32.h from linux-libc-dev).</summary>
public sealed partial class SyscallTableTests
{
    private const string Headers = "/usr/include/x86_64-linux-gnu/asm";

    [Theory]
    [InlineData("x86_64", "unistd_64.h")]
    [InlineData("x32", "unistd_x32.h")]
    [InlineData("i386", "unistd_32.h")]
    public void Each_table_matches_the_installed_kernel_header(string arch, string header)
    {
        var expected = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(Headers, header)))
        {
            var match = Define().Match(line);
            if (match.Success)
            {
                var number = uint.Parse(match.Groups["number"].Value, System.Globalization.CultureInfo.InvariantCulture);
                expected[match.Groups["name"].Value] = match.Groups["x32"].Success ? number + SeccompArch.X32SyscallBit : number;
            }
        }
        var table = SeccompArch.All.Single(a => a.Name == arch).Table;

        Assert.True(expected.Count > 300, $"{header} lists only {expected.Count} calls");
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), table.Numbers.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Known_numbers_are_where_the_abi_puts_them()
    {
        Assert.True(SeccompArch.X86_64.Table.TryGetNumber("mkdir", out var mkdir) && mkdir == 83);
        Assert.True(SeccompArch.X86.Table.TryGetNumber("socketcall", out var socketcall) && socketcall == 102);
        Assert.True(SeccompArch.X32.Table.TryGetNumber("read", out var read) && read == SeccompArch.X32SyscallBit);
        Assert.False(SeccompArch.X86_64.Table.TryGetNumber("socketcall", out _));
    }

    [GeneratedRegex(@"^#define __NR_(?<name>[a-z0-9_]+) (\((?<x32>__X32_SYSCALL_BIT) \+ )?(?<number>[0-9]+)\)?$")]
    private static partial Regex Define();
}
