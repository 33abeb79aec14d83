using System.Collections.Concurrent;
using System.Globalization;

namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// System call name → number for one ABI, read from the table checked in next to this file
/// (syscalls-&lt;arch&gt;.tbl, made from the kernel headers' asm/unistd_*.h; a test compares them).
/// A name the table does not have is one libseccomp would not know either: profiles skip it.
/// </summary>
public sealed class SyscallTable
{
    private static readonly ConcurrentDictionary<SeccompArch, SyscallTable> Tables = new();
    private readonly Dictionary<string, uint> _numbers;

    private SyscallTable(Dictionary<string, uint> numbers) => _numbers = numbers;

    public IReadOnlyDictionary<string, uint> Numbers => _numbers;

    public static SyscallTable For(SeccompArch arch) => Tables.GetOrAdd(arch, a => Load(a.TableResource));

    public bool TryGetNumber(string name, out uint number) => _numbers.TryGetValue(name, out number);

    /// <summary>Parses "number name" lines; '#' starts a comment line.</summary>
    public static Dictionary<string, uint> Parse(TextReader reader)
    {
        var numbers = new Dictionary<string, uint>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !uint.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new InvalidDataException($"bad system call table line: {line}");
            }
            numbers[line[(space + 1)..]] = number;
        }
        return numbers;
    }

    private static SyscallTable Load(string resource)
    {
        using var stream = typeof(SyscallTable).Assembly.GetManifestResourceStream($"Axolotl.Runtime.Seccomp.{resource}")
            ?? throw new InvalidOperationException($"the system call table {resource} is not embedded in the agent");
        using var reader = new StreamReader(stream);
        return new SyscallTable(Parse(reader));
    }
}
