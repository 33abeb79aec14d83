using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// Compiled filters, one file per distinct program (&lt;directory&gt;/&lt;sha256 of the program&gt;.bpf),
/// written once and shared by every container that uses it: RuntimeDefault is compiled once per
/// capability set and a Localhost profile once per content, so a restart costs a dictionary lookup
/// (and, for Localhost, reading the profile file, which may have changed).
/// </summary>
public sealed class SeccompProgramStore(string directory)
{
    private readonly ConcurrentDictionary<string, SeccompProgram?> _byKey = new(StringComparer.Ordinal);

    public string Directory => directory;

    /// <summary>The program stored for <paramref name="key"/>, compiling (and writing) it on first use; null for "no filter".</summary>
    public SeccompProgram? GetOrCompile(string key, Func<SeccompFilter?> compile)
    {
        if (_byKey.TryGetValue(key, out var known))
        {
            return known;
        }
        // Compiling twice in a race is harmless: both write the same bytes under the same name.
        var program = compile() is { } filter ? Write(filter) : null;
        return _byKey.GetOrAdd(key, program);
    }

    private SeccompProgram Write(SeccompFilter filter)
    {
        var bytes = BpfInstruction.ToBytes(filter.Program);
        var path = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(bytes)) + ".bpf");
        if (!File.Exists(path) || new FileInfo(path).Length != bytes.Length)
        {
            System.IO.Directory.CreateDirectory(directory);
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        return new SeccompProgram(path, filter.Flags);
    }
}
