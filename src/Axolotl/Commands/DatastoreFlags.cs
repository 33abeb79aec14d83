using Axolotl.Storage;
using Axolotl.Storage.Etcd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Commands;

/// <summary>The etcd flags `server` and `snapshot` share: the members and TLS to them (k3s's names).</summary>
public static class DatastoreFlags
{
    public static readonly string[] Names = ["datastore-endpoint", "datastore-cafile", "datastore-certfile", "datastore-keyfile"];

    public const string Usage = """
          --datastore-cafile FILE, --datastore-certfile FILE, --datastore-keyfile FILE
                           TLS to etcd (https:// endpoints): the CA its members' certificates must chain to (default:
                           the system's), and the client certificate and key to present (etcd --client-cert-auth)
        """;

    /// <summary>
    /// The etcd options the flags ask for; null when there is no --datastore-endpoint (SQLite). The server passes
    /// where background compaction and defragmentation report; a one-shot command (snapshot) runs neither.
    /// </summary>
    public static EtcdStoreOptions? EtcdOptions(CommandLine args, ILogger? logger = null, Action<Exception>? onBackgroundError = null)
    {
        var ca = args.Get("datastore-cafile");
        var cert = args.Get("datastore-certfile");
        var key = args.Get("datastore-keyfile");
        if (args.Get("datastore-endpoint") is not { } text)
        {
            if (ca is not null || cert is not null || key is not null)
            {
                throw new ArgumentException("--datastore-cafile, --datastore-certfile and --datastore-keyfile need --datastore-endpoint https://…");
            }
            return null;
        }

        var endpoints = EtcdStoreOptions.ParseEndpoints(text);
        if (!EtcdStoreOptions.UsesTls(endpoints))
        {
            if (ca is not null || cert is not null || key is not null)
            {
                throw new ArgumentException("--datastore-cafile, --datastore-certfile and --datastore-keyfile need https:// endpoints; --datastore-endpoint names http:// ones");
            }
            return new EtcdStoreOptions { Endpoints = endpoints, Logger = logger ?? NullLogger.Instance, OnBackgroundError = onBackgroundError, CompactionInterval = CompactionInterval(args) };
        }

        return new EtcdStoreOptions
        {
            Endpoints = endpoints, Tls = EtcdTls.Load(ca, cert, key), Logger = logger ?? NullLogger.Instance, OnBackgroundError = onBackgroundError,
            CompactionInterval = CompactionInterval(args),
        };
    }

    /// <summary>kube-apiserver's --etcd-compaction-interval, for either store: how often old revisions are compacted (5m; 0 turns it off).</summary>
    public static TimeSpan CompactionInterval(CommandLine args)
    {
        const string Flag = "etcd-compaction-interval";
        if (args.Get(Flag) is not { } text)
        {
            return TimeSpan.FromMinutes(5);
        }
        if (text == "0")
        {
            return TimeSpan.Zero;
        }
        return Axolotl.Api.Meta.GoDuration.TryParse(text, out var interval, out var reason) && interval >= TimeSpan.Zero
            ? interval
            : throw new ArgumentException($"invalid --{Flag} \"{text}\": {(reason is { Length: > 0 } ? reason : "want a duration such as 5m, or 0 to turn compaction off")}");
    }

    /// <summary>Opens the store, naming the endpoints when it cannot be reached.</summary>
    public static async Task<EtcdStore> OpenAsync(EtcdStoreOptions options, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            return await EtcdStore.OpenAsync(options, clock, ct);
        }
        catch (StoreUnavailableException e)
        {
            var endpoints = string.Join(",", options.Endpoints.Select(u => u.ToString().TrimEnd('/')));
            throw new StoreUnavailableException($"cannot reach the datastore (--datastore-endpoint {endpoints}): {e.Message}");
        }
    }
}
