using System.Collections.Concurrent;
using System.Text;
using Axolotl.Runtime.Network;

namespace Axolotl.Runtime.Fake;

/// <summary>
/// A runtime without processes for agent unit tests and scale runs. Containers "run" until the test
/// ends them (<see cref="Exit"/>), their scripted behaviour does, or StopAsync does; the contract
/// matches the process runtime: exit 143 on SIGTERM, 137 after the grace period, StartError 127 for
/// an executable listed in <see cref="MissingExecutables"/>, exec through <see cref="ExecHandler"/>.
/// Given the node's pod CIDR (as `--runtime fake` does), pod IPs come from it; otherwise from a counter.
/// </summary>
public sealed class FakeRuntime(TimeProvider time) : IContainerRuntime
{
    private readonly ConcurrentDictionary<string, FakeContainer> _containers = new();
    private readonly ConcurrentDictionary<string, PodSandbox> _sandboxes = new();
    private readonly FakePodAddresses? _addresses;
    private int _nextId;
    private int _nextIp = 1;

    /// <summary>A runtime for a fake node: pod IPs from <paramref name="podCidr"/>, starts not recorded (a scale run keeps thousands).</summary>
    public FakeRuntime(TimeProvider time, PodCidr podCidr)
        : this(time)
    {
        _addresses = new FakePodAddresses(podCidr);
        RecordStarts = false;
    }

    public string Mode => "fake (no processes)";

    /// <summary>Nothing runs, so nothing is missing: fake nodes take pods with volumes like any other.</summary>
    public bool MountsVolumes => true;

    /// <summary>
    /// Whether the agent builds specs as for a runtime that prepares standbys (tests of the next attempt and the immediate
    /// restart's decision in <see cref="Started"/>; nothing is prepared). Off by default, as on fake nodes.
    /// </summary>
    public bool PreparesStandbys { get; set; }

    /// <summary>Chooses a behaviour per container; null means run until stopped.</summary>
    public Func<ContainerSpec, FakeContainerBehaviour?> Behaviour { get; set; } = _ => null;

    /// <summary>Commands whose start fails like a missing executable (StartError, exit 127).</summary>
    public ISet<string> MissingExecutables { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Answers exec calls: writes to the spec's streams and returns the exit code. Default: exit 0, no output.</summary>
    public Func<ContainerHandle, ExecSpec, int> ExecHandler { get; set; } = (_, _) => 0;

    /// <summary>What an attach session does (tests); without one, attach is not supported, as on a runtime that cannot.</summary>
    public Func<ContainerHandle, AttachSpec, CancellationToken, Task>? AttachHandler { get; set; }

    /// <summary>Every start, in order (for assertions), while <see cref="RecordStarts"/> is on.</summary>
    public ConcurrentQueue<ContainerSpec> Started { get; } = new();

    /// <summary>Whether starts are kept in <see cref="Started"/> (tests: yes; fake nodes: no, it would only grow).</summary>
    public bool RecordStarts { get; set; } = true;

    public IReadOnlyCollection<PodSandbox> Sandboxes => _sandboxes.Values.ToList();

    /// <summary>Containers that have not exited.</summary>
    public IReadOnlyList<ContainerHandle> Running => _containers.Values.Where(c => !c.Exit.Task.IsCompleted).Select(c => c.Handle).ToList();

    public Task<PodSandbox> CreateSandboxAsync(PodSandboxSpec spec, CancellationToken ct)
    {
        var sandbox = _sandboxes.GetOrAdd(spec.PodUid, uid => new PodSandbox(uid, uid, NextAddress(uid), "fake-" + uid));
        return Task.FromResult(sandbox);
    }

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken ct)
    {
        foreach (var container in _containers.Values.Where(c => c.Handle.PodUid == sandbox.PodUid))
        {
            container.Finish(137, false, time);
            _containers.TryRemove(container.Handle.Id, out _);
        }

        _sandboxes.TryRemove(sandbox.PodUid, out _);
        _addresses?.Release(sandbox.PodUid);
        return Task.CompletedTask;
    }

    private string NextAddress(string podUid)
    {
        if (_addresses is not null)
        {
            return _addresses.Allocate(podUid);
        }
        var n = Interlocked.Increment(ref _nextIp);
        return $"10.244.{n / 250}.{(n % 250) + 2}";
    }

    public async Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec, CancellationToken ct)
    {
        if (spec.Command.Count == 0)
        {
            throw new ContainerStartException("no command specified", 128);
        }

        if (MissingExecutables.Contains(spec.Command[0]))
        {
            throw new ContainerStartException($"exec: \"{spec.Command[0]}\": executable file not found in $PATH", 127);
        }

        if (RecordStarts)
        {
            Started.Enqueue(spec);
        }
        var id = "fake-" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var handle = new ContainerHandle(id, sandbox.PodUid, spec.Name, 0, time.GetUtcNow(), spec.LogPath);
        var behaviour = Behaviour(spec) ?? new FakeContainerBehaviour();
        var container = new FakeContainer(handle, behaviour);
        _containers[id] = container;
        if (behaviour.Output is { } output && !string.IsNullOrEmpty(spec.LogPath))
        {
            await File.AppendAllTextAsync(spec.LogPath, output, ct);
        }
        else if (_addresses is not null && !string.IsNullOrEmpty(spec.LogPath))
        {
            // A fake node's container has started, so `kubectl logs` finds an (empty) log rather than "waiting to start".
            await File.AppendAllTextAsync(spec.LogPath, "", ct);
        }

        if (behaviour.ExitAfter is { } after)
        {
            container.Timer = time.CreateTimer(_ => container.Finish(behaviour.ExitCode, behaviour.OomKilled, time), null, after, Timeout.InfiniteTimeSpan);
        }

        return handle;
    }

    /// <summary>Ends a running container as if its process exited.</summary>
    public void Exit(ContainerHandle handle, int exitCode, bool oomKilled = false)
    {
        if (_containers.TryGetValue(handle.Id, out var container))
        {
            container.Finish(exitCode, oomKilled, time);
        }
    }

    public Task<ContainerExit> WaitAsync(ContainerHandle handle, CancellationToken ct) =>
        _containers.TryGetValue(handle.Id, out var container)
            ? container.Exit.Task.WaitAsync(ct)
            : throw new InvalidOperationException($"unknown container {handle.Id}");

    public async Task StopAsync(ContainerHandle handle, TimeSpan grace, CancellationToken ct)
    {
        if (!_containers.TryGetValue(handle.Id, out var container) || container.Exit.Task.IsCompleted)
        {
            return;
        }

        if (!container.Behaviour.IgnoresSigterm && grace > TimeSpan.Zero)
        {
            container.Finish(143, false, time);
            return;
        }

        if (grace > TimeSpan.Zero)
        {
            try
            {
                await container.Exit.Task.WaitAsync(grace, time, ct);
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        container.Finish(137, false, time);
    }

    public Task<ExecResult> ExecAsync(ContainerHandle handle, ExecSpec spec, CancellationToken ct)
    {
        if (!_containers.TryGetValue(handle.Id, out var container) || container.Exit.Task.IsCompleted)
        {
            throw new InvalidOperationException($"container {handle.Name} is not running");
        }

        return Task.FromResult(new ExecResult(ExecHandler(handle, spec)));
    }

    public Task AttachAsync(ContainerHandle handle, AttachSpec spec, CancellationToken ct)
    {
        if (!_containers.TryGetValue(handle.Id, out var container) || container.Exit.Task.IsCompleted)
        {
            throw new InvalidOperationException($"container {handle.Name} is not running");
        }

        return AttachHandler is { } attach ? attach(handle, spec, ct) : throw new NotSupportedException("attach is not supported by this node's container runtime");
    }

    public Task<ContainerHandle?> RecoverAsync(ContainerHandle persisted, CancellationToken ct) =>
        Task.FromResult(_containers.TryGetValue(persisted.Id, out var container) ? container.Handle : null);

    public Task<ContainerStats?> StatsAsync(ContainerHandle handle, CancellationToken ct) =>
        Task.FromResult<ContainerStats?>(
            _containers.TryGetValue(handle.Id, out var c) && !c.Exit.Task.IsCompleted ? new ContainerStats(0, 0, 0, 0) : null);

    /// <summary>Writes text the way an exec'd command would (helper for <see cref="ExecHandler"/>).</summary>
    public static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    private sealed class FakeContainer(ContainerHandle handle, FakeContainerBehaviour behaviour)
    {
        public ContainerHandle Handle { get; } = handle;

        public FakeContainerBehaviour Behaviour { get; } = behaviour;

        public TaskCompletionSource<ContainerExit> Exit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ITimer? Timer { get; set; }

        public void Finish(int exitCode, bool oomKilled, TimeProvider time)
        {
            Timer?.Dispose();
            Exit.TrySetResult(new ContainerExit(exitCode, exitCode > 128 ? exitCode - 128 : null, oomKilled, time.GetUtcNow()));
        }
    }
}
