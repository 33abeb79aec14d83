using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Clients;

/// <summary>
/// Runs scripts written against the official client libraries (Debian's python3-kubernetes, npm's
/// @kubernetes/client-node) against a test server, with the server's admin kubeconfig. A script
/// prints one JSON object as its last stdout line; a script that fails (non-zero exit, no JSON)
/// fails the test with everything it printed. Shared by every feature's client tests: put the
/// scripts under Clients/python and Clients/node and call <see cref="PythonAsync"/> / <see cref="NodeAsync"/>.
/// </summary>
public static class OfficialClients
{
    /// <summary>Debian's interpreter, where apt installs python3-kubernetes (not a pyenv or venv one).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);
    private static readonly SemaphoreSlim NodeInstallLock = new(1, 1);
    private static string? _nodeDir;

    public static string ScriptsDir { get; } = Path.Combine(RepoPaths.Root, "tests", "Axolotl.E2E.Tests", "Clients");

    /// <summary>Runs Clients/python/SCRIPT with ARGS; returns the JSON object it printed last.</summary>
    public static async Task<JsonObject> PythonAsync(AxolotlServer server, string script, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var result = await RunPythonAsync(server, script, args, timeout);
        return LastJson(result, $"python {script}");
    }

    public static Task<ProcessResult> RunPythonAsync(AxolotlServer server, string script, IEnumerable<string> args, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(Python, [Path.Combine(ScriptsDir, "python", script), .. args], Environment(server), timeout: timeout ?? DefaultTimeout);

    /// <summary>Runs Clients/node/SCRIPT (an ES module) with ARGS next to the locked client install; returns its last JSON object.</summary>
    public static async Task<JsonObject> NodeAsync(AxolotlServer server, string script, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var result = await RunNodeAsync(server, script, args, timeout);
        return LastJson(result, $"node {script}");
    }

    public static async Task<ProcessResult> RunNodeAsync(AxolotlServer server, string script, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var dir = await NodeClientDirAsync();
        // Node resolves an ES module's imports from the module's own folder: run a copy beside node_modules.
        var copy = Path.Combine(dir, script);
        File.Copy(Path.Combine(ScriptsDir, "node", script), copy, overwrite: true);
        return await ProcessRunner.RunAsync("node", [copy, .. args], Environment(server), timeout: timeout ?? DefaultTimeout, workingDirectory: dir);
    }

    /// <summary>
    /// .build/client-node with the exact versions of Clients/node/package-lock.json (npm ci), installed
    /// once per lock file: a changed lock reinstalls, an unchanged one is reused across test runs.
    /// </summary>
    public static async Task<string> NodeClientDirAsync()
    {
        await NodeInstallLock.WaitAsync();
        try
        {
            if (_nodeDir is not null)
            {
                return _nodeDir;
            }
            var dir = Path.Combine(RepoPaths.Root, ".build", "client-node");
            Directory.CreateDirectory(dir);
            var lockText = await File.ReadAllTextAsync(Path.Combine(ScriptsDir, "node", "package-lock.json"));
            var stamp = Path.Combine(dir, ".installed-lock");
            if (!File.Exists(stamp) || await File.ReadAllTextAsync(stamp) != lockText || !Directory.Exists(Path.Combine(dir, "node_modules", "@kubernetes", "client-node")))
            {
                File.Copy(Path.Combine(ScriptsDir, "node", "package.json"), Path.Combine(dir, "package.json"), overwrite: true);
                await File.WriteAllTextAsync(Path.Combine(dir, "package-lock.json"), lockText);
                var install = await ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], timeout: TimeSpan.FromMinutes(10), workingDirectory: dir);
                Assert.True(install.ExitCode == 0, $"npm ci of the JavaScript client failed:\n{install}");
                await File.WriteAllTextAsync(stamp, lockText);
            }
            _nodeDir = dir;
            return dir;
        }
        finally
        {
            NodeInstallLock.Release();
        }
    }

    private static Dictionary<string, string> Environment(AxolotlServer server) => new()
    {
        ["KUBECONFIG"] = server.Kubeconfig,
        ["PYTHONUNBUFFERED"] = "1",
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        // No proxy from the environment may sit between a client and the loopback server.
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["no_proxy"] = "127.0.0.1,localhost",
    };

    private static JsonObject LastJson(ProcessResult result, string what)
    {
        Assert.True(result.ExitCode == 0, $"{what} failed:\n{result}");
        var last = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Assert.True(last is not null && last.StartsWith('{'), $"{what} printed no result:\n{result}");
        return JsonNode.Parse(last)!.AsObject();
    }
}
