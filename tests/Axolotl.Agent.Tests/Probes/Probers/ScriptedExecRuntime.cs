using System.Text;
using Axolotl.Runtime;

namespace Axolotl.Agent.Tests.Probes.Probers;

/// <summary>A runtime whose exec is a test-supplied script (it can hang and watch its token); everything else is unused.</summary>
internal sealed class ScriptedExecRuntime(Func<ExecSpec, CancellationToken, Task<int>> exec) : IContainerRuntime
{
    public List<IReadOnlyList<string>> Commands { get; } = [];

    public string Mode => "scripted exec";

    public bool MountsVolumes => false;

    public async Task<ExecResult> ExecAsync(ContainerHandle handle, ExecSpec spec, CancellationToken ct)
    {
        Commands.Add(spec.Command);
        return new ExecResult(await exec(spec, ct));
    }

    public static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    public Task<PodSandbox> CreateSandboxAsync(PodSandboxSpec spec, CancellationToken ct) => throw new NotSupportedException();

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken ct) => throw new NotSupportedException();

    public Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct) => throw new NotSupportedException();

    public Task<ContainerExit> WaitAsync(ContainerHandle handle, CancellationToken ct) => throw new NotSupportedException();

    public Task StopAsync(ContainerHandle handle, TimeSpan grace, CancellationToken ct) => throw new NotSupportedException();

    public Task<ContainerHandle?> RecoverAsync(ContainerHandle persisted, CancellationToken ct) => throw new NotSupportedException();

    public Task<ContainerStats?> StatsAsync(ContainerHandle handle, CancellationToken ct) => throw new NotSupportedException();
}
