namespace Axolotl.Bench;

/// <summary>Command-line options of the benchmark program (bench/run passes the server binary and results folder).</summary>
internal sealed record BenchOptions(
    bool Quick,
    string ServerBinary,
    string ResultsDirectory,
    string KubectlBinary,
    bool Http2,
    IReadOnlySet<string>? Only,
    string? RepoRoot,
    bool ListOnly,
    IReadOnlyDictionary<string, string> ServerEnvironment,
    IReadOnlySet<string>? Cases = null)
{
    /// <summary>Extra `axolotl server` flags for the servers whose node runs containers (e.g. --seccomp-default).</summary>
    public IReadOnlyList<string> NodeArguments { get; init; } = [];

    /// <summary>Extra `axolotl server` flags for every server started (e.g. --watch-cache=false, to compare).</summary>
    public IReadOnlyList<string> ServerArguments { get; init; } = [];

    /// <summary>How long the soak scenario runs (--soak-minutes; the 60 by default).</summary>
    public double SoakMinutes { get; init; } = 60;

    /// <summary>scale: fake nodes of 100 pods each (--scale-nodes; default 10 quick, 100 full).</summary>
    public int? ScaleNodes { get; init; }

    /// <summary>scale: the server's store, "sqlite" (default) or "etcd" (a 3-member cluster on loopback).</summary>
    public string ScaleStore { get; init; } = "sqlite";

    /// <summary>Every scenario's budget and the run's overall budget times this (--budget-factor; 1 by default), for a busy machine.</summary>
    public double BudgetFactor { get; init; } = 1;

    public const string Usage = """
        Usage: Axolotl.Bench --server-bin PATH [--quick] [--only NAME[,NAME]] [--results DIR]
                             [--kubectl PATH] [--http1] [--server-env KEY=VALUE]... [--node-arg FLAG]... [--server-arg FLAG]... [--repo DIR] [--cases a,b,c] [--soak-minutes N]
                             [--scale-nodes N] [--scale-store sqlite|etcd] [--budget-factor F] [--list]

          --server-bin PATH  the axolotl binary to measure (bench/run builds it and passes this)
          --quick            1,000 objects only and fewer runs (under 2 minutes)
          --only NAMES       run only these scenarios (see --list)
          --results DIR      where latest.json and latest.md go (default: ./results)
          --kubectl PATH     kubectl to time (default: /usr/bin/kubectl)
          --http1            talk HTTP/1.1 keep-alive instead of HTTP/2 (which kubectl uses)
          --server-env K=V   set an environment variable for every server started (e.g. DOTNET_gcServer=0)
          --node-arg FLAG    add an `axolotl server` flag to the servers that run containers (e.g. --seccomp-default)
          --server-arg FLAG  add an `axolotl server` flag to every server started (e.g. --watch-cache=false)
          --repo DIR         repository whose commit the report names
          --cases LIST       service-load: run only these of its cases (a kills, b rollouts, c readiness; k kills,
                             r rollouts and h readiness through the kernel path, run only when named)
          --soak-minutes N   soak: how long it runs, in minutes (default 60; the server is SIGKILLed and restarted halfway)
          --scale-nodes N    scale: fake nodes of 100 pods each (default 10 quick, 100 full; 1000 is issue 34's 100,000 pods)
          --scale-store S    scale: sqlite (default) or etcd (a 3-member etcd cluster on loopback)
          --budget-factor F  multiply every scenario's time budget (and the run's) by F, from 1 to 20 (a loaded machine)
          --list             print the scenarios and exit
        """;

    public static BenchOptions Parse(string[] args)
    {
        bool quick = false, http2 = true, list = false;
        string? server = null, results = null, kubectl = null, repo = null;
        HashSet<string>? only = null, cases = null;
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var nodeArguments = new List<string>();
        var serverArguments = new List<string>();
        var soakMinutes = 60.0;
        int? scaleNodes = null;
        var scaleStore = "sqlite";
        var budgetFactor = 1.0;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--http1": http2 = false; break;
                case "--list": list = true; break;
                case "--server-bin": server = Value(); break;
                case "--results": results = Value(); break;
                case "--kubectl": kubectl = Value(); break;
                case "--repo": repo = Value(); break;
                case "--server-env":
                    var pair = Value().Split('=', 2);
                    environment[pair[0]] = pair.Length == 2 && pair[0].Length > 0 ? pair[1] : throw new ArgumentException("--server-env wants KEY=VALUE");
                    break;
                case "--node-arg": nodeArguments.Add(Value()); break;
                case "--server-arg": serverArguments.Add(Value()); break;
                case "--cases": cases = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--soak-minutes":
                    soakMinutes = double.TryParse(Value(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var minutes) && minutes >= 1
                        ? minutes : throw new ArgumentException("--soak-minutes wants a number of minutes, at least 1");
                    break;
                case "--scale-nodes":
                    scaleNodes = int.TryParse(Value(), out var n) && n is >= 1 and <= 5000
                        ? n : throw new ArgumentException("--scale-nodes wants a number of nodes from 1 to 5000");
                    break;
                case "--scale-store":
                    scaleStore = Value() is "sqlite" or "etcd" ? args[i] : throw new ArgumentException("--scale-store wants sqlite or etcd");
                    break;
                case "--budget-factor":
                    budgetFactor = double.TryParse(Value(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var factor) && factor is >= 1 and <= 20
                        ? factor : throw new ArgumentException("--budget-factor wants a number from 1 to 20");
                    break;
                case "--only": only = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                default: throw new ArgumentException($"unknown argument \"{args[i]}\"");
            }
        }
        if (server is null && !list)
        {
            throw new ArgumentException("--server-bin is required");
        }
        return new BenchOptions(quick, server ?? "", results ?? "results", kubectl ?? Infrastructure.KubectlRunner.DefaultBinary, http2, only, repo, list, environment, cases)
        {
            NodeArguments = nodeArguments,
            ServerArguments = serverArguments,
            SoakMinutes = soakMinutes,
            ScaleNodes = scaleNodes,
            ScaleStore = scaleStore,
            BudgetFactor = budgetFactor,
        };
    }
}
