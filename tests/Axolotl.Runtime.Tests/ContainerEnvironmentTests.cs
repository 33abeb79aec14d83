using System.Text;
using Axolotl.Runtime;

namespace Axolotl.Runtime.Tests;

/// <summary>The container's environment file: its formats, its mode, and its reuse across attempts with the same environment.</summary>
public sealed class ContainerEnvironmentTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("axolotl-env-test-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public void The_launcher_s_format_is_name_equals_value_entries_each_ended_by_a_nul_and_reads_back()
    {
        var environment = new Dictionary<string, string> { ["B"] = "two words", ["A"] = "x=y\nz", ["EMPTY"] = "" };

        var bytes = ContainerEnvironment.Encode(environment);

        Assert.Equal("A=x=y\nz\0B=two words\0EMPTY=\0", Encoding.UTF8.GetString(bytes));
        Assert.Equal(environment, ContainerEnvironment.Decode(bytes));
    }

    [Fact]
    public void The_shell_chain_s_format_is_one_quoted_word_per_entry_on_one_line()
    {
        var bytes = ContainerEnvironment.Encode(new Dictionary<string, string> { ["Q"] = "it's", ["N"] = "a\nb" }, forShell: true);

        Assert.Equal("'N=a\nb' 'Q=it'\\''s' ", Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("", "v")]
    [InlineData("A=B", "v")]
    [InlineData("A", "nul\0inside")]
    public void A_name_or_value_execve_cannot_carry_is_a_start_error(string name, string value)
    {
        var error = Assert.Throws<ContainerStartException>(() => ContainerEnvironment.Encode(new Dictionary<string, string> { [name] = value }));
        Assert.Equal(128, error.ExitCode);
    }

    [Fact]
    public void The_file_is_readable_by_root_alone_and_written_once_per_environment()
    {
        var environment = new Dictionary<string, string> { ["SECRET"] = "s3cr3t", ["PATH"] = "/bin" };

        var path = ContainerEnvironment.Write(_state, "pod-uid", "app", environment);
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));
        var again = ContainerEnvironment.Write(_state, "pod-uid", "app", new Dictionary<string, string>(environment));
        var changed = ContainerEnvironment.Write(_state, "pod-uid", "app", new Dictionary<string, string>(environment) { ["SECRET"] = "other" });

        Assert.StartsWith(Path.Combine(_state, "pods", "pod-uid", "containers", "app-"), path, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(environment, ContainerEnvironment.Decode(File.ReadAllBytes(path)));
        // A restart with the same environment finds its file: no write on the restart path.
        Assert.Equal(path, again);
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path));
        Assert.NotEqual(path, changed);
        Assert.Equal("other", ContainerEnvironment.Decode(File.ReadAllBytes(changed))["SECRET"]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void A_process_on_the_node_gets_a_fixed_path_and_nothing_else()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/true");
        psi.Environment["LD_PRELOAD"] = "/pod/evil.so";

        ContainerEnvironment.ApplyClean(psi.Environment, [new("SHELL", "/bin/sh")]);

        Assert.Equal(
            [new("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), new("SHELL", "/bin/sh")],
            psi.Environment.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
