namespace Axolotl.E2E.Tests.Harness;

/// <summary>The real /usr/bin/kubectl against one server, with a private discovery cache.</summary>
public sealed class Kubectl(AxolotlServer server)
{
    public const string Binary = "/usr/bin/kubectl";

    private readonly string _cacheDir = Path.Combine(server.DataDir, "kube-cache");

    public Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    public Task<ProcessResult> RunAsync(IEnumerable<string> args, string? stdin, IDictionary<string, string>? env = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(Binary, ["--cache-dir", _cacheDir, .. args], Environment(env), stdin, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Starts kubectl in the background (watches, waits); the caller disposes it to kill it by PID.</summary>
    public BackgroundProcess Start(params string[] args) =>
        BackgroundProcess.Start(Binary, ["--cache-dir", _cacheDir, .. args], Environment(null));

    /// <summary>
    /// Starts kubectl in the background with its stdout piped into <paramref name="shellReader"/> (a /bin/sh command
    /// list, e.g. a reader that holds back); kubectl's arguments travel as the shell's positional parameters, unquoted.
    /// </summary>
    public BackgroundProcess StartPiped(string shellReader, IDictionary<string, string> env, params string[] args) =>
        BackgroundProcess.Start("/bin/sh", ["-c", $"\"{Binary}\" \"$@\" | {{ {shellReader}; }}", "sh", "--cache-dir", _cacheDir, .. args], Environment(env));

    /// <summary>Runs kubectl and fails the test with its output unless it exits 0.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {result}");
        return result.Stdout;
    }

    /// <summary>Pipes <paramref name="stdin"/> (e.g. a manifest for `apply -f -`) and requires success.</summary>
    public async Task<string> OkWithInputAsync(string stdin, params string[] args)
    {
        var result = await RunAsync(args, stdin);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {result}");
        return result.Stdout;
    }

    /// <summary>
    /// `kubectl exec POD -- KILL-COMMAND` aimed at the container's PID 1. Exit 137 counts as success,
    /// as on Kubernetes: when PID 1 exits, the kernel SIGKILLs the rest of its pid namespace, the
    /// exec'd command too if it has not exited by then.
    /// </summary>
    public async Task KillPid1Async(string ns, string pod, params string[] killCommand)
    {
        string[] args = ["exec", pod, "-n", ns, "--", .. killCommand];
        var result = await RunAsync(args);
        Assert.True(result.ExitCode is 0 or 137, $"kubectl {string.Join(' ', args)} failed: {result}");
    }

    /// <summary>Runs kubectl, requires a non-zero exit and returns stdout+stderr (where kubectl prints errors).</summary>
    public async Task<string> FailAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode != 0, $"kubectl {string.Join(' ', args)} was expected to fail: {result}");
        return result.Output;
    }

    /// <summary>Pipes <paramref name="stdin"/>, requires a non-zero exit and returns stdout+stderr.</summary>
    public async Task<string> FailWithInputAsync(string stdin, params string[] args)
    {
        var result = await RunAsync(args, stdin);
        Assert.True(result.ExitCode != 0, $"kubectl {string.Join(' ', args)} was expected to fail: {result}");
        return result.Output;
    }

    private Dictionary<string, string> Environment(IDictionary<string, string>? extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = server.Kubeconfig,
            ["HOME"] = server.DataDir,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                environment[key] = value;
            }
        }
        return environment;
    }
}
