using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Agent;
using Axolotl.Api.Core;
using Axolotl.ApiServer.Security;
using Axolotl.Client;
using Axolotl.NodeIdentity;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl agent`: a node that joins a running server. It trusts the server through the cluster CA,
/// uses the join token once to obtain a client certificate of its own (TLS bootstrap, <see cref="NodeCredentials"/>),
/// authenticates as system:node:NAME with it from then on, and runs the same node agent, kubelet
/// endpoint (serving a certificate signed by the cluster), service proxy and edge (Ingress and Gateway API)
/// controllers that `axolotl server` runs for its own node; the edge controllers under an identity of their
/// own that the node asks for with its certificate. Containers outlive the agent process; a restarted agent re-adopts them.
/// </summary>
public static partial class AgentCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>
    {
        "server", "token", "token-file", "node-name", "data-dir", "ca-file", "pod-cidr", "cluster-cidr", "pod-network", "bridge", "kubelet-port", "service-cidr", "private-registry", "airgap",
        "proxy-balancing", "proxy-mode", "restart-backoff", "restart-backoff-max", "node-lease-interval", "runtime", "fake-nodes", "node-name-prefix",
        "eviction-hard", "eviction-soft", "eviction-soft-grace-period", "eviction-minimum-reclaim", "eviction-pressure-transition-period",
        "eviction-max-pod-grace-period", "eviction-monitoring-interval", "system-reserved", "kube-reserved",
        "allowed-unsafe-sysctls", "resolv-conf", "conntrack-max-per-pod",
        "seccomp-default", "reclaim-memory", "ingress-http-port", "ingress-https-port", "v",
    };

    public const string Usage = """
        Usage: axolotl agent --server URL (--token TOKEN | --token-file FILE) [--node-name NAME] [--data-dir DIR] [--pod-cidr CIDR] [--bridge NAME] [--kubelet-port N]
               axolotl agent --server URL --token TOKEN --runtime fake --fake-nodes N [--node-name-prefix P] [--data-dir DIR]

        Joins a node to a running `axolotl server`.

          --server URL[,URL...]
                           the API server, e.g. https://10.0.0.5:6443; with several servers of one cluster
                           (comma-separated), the node joins through the first and fails over to the next
                           whenever the one in use cannot be reached
          --token TOKEN    the join token the server prints, or one from `axolotl token create` on the server:
                           K10<sha256 of the cluster CA>::<token> (k3s's secure token). The agent reads the CA from
                           the server's /cacerts, trusts it only if it has that hash (and the server's certificate
                           chains to it), and refuses otherwise, before it sends the token. A bare token
                           (abcdef.0123456789abcdef) needs --ca-file. Visible in the process list: --token-file hides it
          --token-file F   a file holding either form of the token, e.g. the server's DIR/join-token (bare: the CA
                           is then read from pki/ca.crt next to it)
          --node-name NAME this node's name (must be unique in the cluster; default: the one this data dir joined
                           with before, else the host name, with a random suffix when the server runs on this machine)
          --ca-file FILE   the cluster CA certificate the server's certificate must chain to (default: with a K10 token,
                           the server's, checked against the token's hash; else pki/ca.crt next to the token file, or in
                           the default server data dir: the server's, on the same machine); with a K10 token it must
                           have the token's hash
          --data-dir DIR   where this node keeps logs, checkpoints and pod state (default: $XDG_DATA_HOME/axolotl/agent,
                           or $XDG_DATA_HOME/axolotl/nodes/NAME with --node-name)
          --pod-cidr CIDR  this node's pod addresses (default: the one its Node already has, else the one the server's
                           node IPAM assigns from the cluster CIDR); must lie in the cluster CIDR and overlap no other node's
          --cluster-cidr CIDR
                           the cluster's pod range, as the server was given (default: the one the server publishes)
          --pod-network MODE
                           host-gw or vxlan: how pod traffic crosses machines (default: the cluster's, as the server
                           publishes it; a different one is refused)
          --bridge NAME    this node's pod bridge (default: axl0; when the server runs on this machine, axl + a hash
                           of the node name, so that nodes sharing a machine never share a bridge)
          --kubelet-port N HTTPS port for logs and exec, proxied by the API server (default: 10250, or the next free
                           port when it is taken)
          --service-cidr CIDR
                           the cluster's Service range, as the server was given (default: 10.96.0.0/16)
          --private-registry FILE
                           this node's registry settings, k3s's registries.yaml (mirrors, rewrites, auth, tls)
                           (default: DIR/registries.yaml when it exists)
          --proxy-balancing MODE, --proxy-mode MODE, --restart-backoff D, --restart-backoff-max D, --node-lease-interval D,
          --system-reserved LIST, --kube-reserved LIST, --eviction-hard LIST, --eviction-soft LIST,
          --eviction-soft-grace-period LIST, --eviction-minimum-reclaim LIST, --eviction-pressure-transition-period D,
          --eviction-max-pod-grace-period N, --eviction-monitoring-interval D
          --allowed-unsafe-sysctls LIST, --resolv-conf FILE, --conntrack-max-per-pod N,
          --ingress-http-port N, --ingress-https-port N
                           as for `axolotl server`; the node's Ingress and Gateway API controllers run with an identity
                           of their own (system:axolotl-ingress-controller:NAME), obtained with the node's certificate
          --runtime MODE   process (default) or fake, as for `axolotl server`: pods go Running without processes,
                           no bridge, proxy or DNS on this machine, every probe passes
          --fake-nodes N   with --runtime fake: run N fake nodes in this process (PREFIX0 … PREFIX<N-1>, each with its
                           own Node, Lease and pod CIDR, sharing one connection pool and one image store); no logs/exec for their pods
          --node-name-prefix P
                           the fake nodes' name prefix (default: fake-); --node-name and --pod-cidr are then not used
          --airgap         never contact a registry: images come only from this node's store (DIR/agent/images/,
                           `axolotl images import`, the bundled seed images); without it each image's registry is asked
          --seccomp-default
                           run containers without a seccomp profile under RuntimeDefault (the kubelet's flag);
                           Localhost profiles are files under DIR/agent/seccomp
          --reclaim-memory B
                           after a burst, once the process has gone quiet, collect and give back the memory it grew
                           (default: true; false leaves it to the GC, which collects only as the process allocates)
          --v N, -v N      log verbosity as the Kubernetes components have it: 0 (default) info, warnings and
                           errors; 2-3 also the web host's own info; 4-5 debug (a client's 4xx, informer retries);
                           6+ trace, one line per API request

        Pods on nodes that share a machine reach each other by IP: each bridge forwards to the cluster CIDR
        (10.244.0.0/16) and nowhere else.
        """;

    public static async Task<int> RunAsync(CommandLine args)
    {
        // A bad --proxy-mode stops the start before anything joins.
        _ = LocalAgent.ProxyMode(args);
        var servers = ParseServers(args.Get("server"));
        var server = servers[0];
        var tokenFile = args.Get("token-file");
        var tokenText = args.Get("token");
        if ((tokenFile is null) == (tokenText is null))
        {
            throw new ArgumentException("give the join token with --token-file FILE or --token TOKEN (one of them)");
        }
        var (joinToken, secure) = tokenText is not null ? ParseToken(tokenText, "--token") : ReadToken(tokenFile!);
        var token = joinToken.ToString();
        var fake = args.Get("fake-nodes") is not null || args.Get("node-name-prefix") is not null;
        if (!fake && args.Get("node-name") is { } givenName && Api.Validation.NameRules.DNS1123Subdomain(givenName).Count > 0)
        {
            throw new ArgumentException($"invalid --node-name \"{givenName}\": want a DNS-1123 subdomain (lower case, digits, '-' and '.')");
        }
        // The CA before anything else: a token whose hash the server's CA does not match leaves nothing behind.
        string caPem;
        using (var discovery = new CommandHost(Verbosity.Parse(args.Get("v"))))
        {
            try
            {
                caPem = await ClusterCa(args.Get("ca-file"), tokenFile, secure, servers, discovery);
            }
            catch (OperationCanceledException) when (discovery.Shutdown.IsCancellationRequested)
            {
                return 0;
            }
            catch (NodeIdentityException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"error: cannot read the cluster CA from the server: {e.Message}");
                return 1;
            }
        }
        if (fake)
        {
            return await FakeNodes.RunAsync(args, server, token, caPem);
        }
        // Only --server and the token are needed: what is not given is chosen so as not to collide (AgentDefaults).
        args = AgentDefaults.Apply(args, servers);
        var nodeName = args.Get("node-name")!;
        var dataDir = args.Get("data-dir")!;
        // A bad eviction or reserved flag stops the start before anything is served, with the kubelet's reason.
        _ = LocalAgent.EvictionFlags(args);
        if (args.Get("service-cidr") is { } givenServiceCidr)
        {
            _ = ApiServer.Admission.ServiceAllocator.ParseCidr(givenServiceCidr);
        }
        // A bad --runtime stops the start before anything is served.
        _ = LocalAgent.IsFakeRuntime(args);
        DataDirectory.EnsurePrivate(dataDir);
        // One process per data dir; `axolotl reset` checks the same lock before it touches the node.
        using var dataLock = DataDirLock.Take(dataDir, "agent");

        using var command = new CommandHost(Verbosity.Parse(args.Get("v")));
        var logging = command.Logging;
        var log = logging.CreateLogger("axolotl");
        var clock = TimeProvider.System;

        var shutdown = command.Shutdown;

        NodeCredentials credentials;
        try
        {
            // The first server that answers (waiting while none does) lets the node join and is used first after.
            (server, credentials) = await ServerWait.FirstAnsweringAsync(servers,
                s => NodeCredentials.EstablishAsync(s, caPem, token, nodeName, dataDir, ServingNames(nodeName), clock, log, shutdown.Token), log, clock, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            LogStopping(log);
            return 0;
        }
        catch (KubeApiException e) when (e.Code is 401 or 403)
        {
            await Console.Error.WriteLineAsync($"error: the server refused to let this node join ({e.Code}: {e.Message}); is the join token valid and unexpired?");
            return 1;
        }
        catch (NodeIdentityException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            await Console.Error.WriteLineAsync($"error: TLS with the server failed ({e.Message}); is the CA (--ca-file) the cluster's, and the --server address one its certificate names?");
            return 1;
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"error: the server's answer could not be read: {e.Message}");
            return 1;
        }
        // Every server given: the node's client starts with the one that answered and fails over between them.
        using var client = credentials.CreateClient(server, caPem, failover: servers.Where(s => s != server).ToList());
        try
        {
            // The first request with the node's own certificate: a refusal reads clearly here, not deep in the agent's
            // start. A node that already had its certificate reaches a server for the first time here: wait for one.
            _ = await ServerWait.FirstAnsweringAsync([server], _ => client.Resource<Node>().TryGetAsync(null, nodeName, shutdown.Token), log, clock, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            LogStopping(log);
            return 0;
        }
        catch (KubeApiException e) when (e.Code is 401 or 403)
        {
            await Console.Error.WriteLineAsync($"error: the server refused this node's certificate ({e.Code}: {e.Message}); remove {credentials.Client.File} to join again with the token");
            return 1;
        }
        // The edge controllers' own identity, asked for as the node; a server that does not issue it leaves the node
        // without them (said once), not without the API.
        KubeClient? ingressClient = null;
        if (!LocalAgent.IsFakeRuntime(args))
        {
            try
            {
                credentials = await credentials.WithIngressControllerAsync(server, caPem, dataDir, clock, log, shutdown.Token);
                ingressClient = credentials.CreateIngressControllerClient(server, caPem, clock, failover: servers.Where(s => s != server).ToList());
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                LogStopping(log);
                return 0;
            }
            catch (Exception e) when (e is NodeIdentityException or KubeApiException or HttpRequestException)
            {
                LogNoIngressController(log, nodeName, e.Message);
            }
        }
        using var ingressClientLifetime = ingressClient;
        // The cluster's pod and Service ranges, as the server publishes them on the kubernetes Service (flags win).
        args = await AgentDefaults.WithClusterRangesAsync(args, client, shutdown.Token);
        var serviceCidr = args.Get("service-cidr") ?? ApiServer.Admission.ServiceAllocator.DefaultServiceCidr;
        _ = ApiServer.Admission.ServiceAllocator.ParseCidr(serviceCidr);
        // The same node as `axolotl server` runs for its machine; its service proxy uses the node's client and informers of its own.
        await using var node = await NodeHost.StartAsync(args, dataDir, client,
            new NodeHostOptions
            {
                Credentials = credentials,
                ClientCa = X509Certificate2.CreateFromPem(caPem),
                ServiceCidr = serviceCidr,
                IngressClient = ingressClient,
                IngressReadsSecretsByName = true,
            }, logging, clock, shutdown.Token);
        await using var reclaimer = MemoryReclaim.Start(args, logging, clock, shutdown.Token);
        var podCidr = node.Agent.Options.PodCidr;
        LogJoined(log, nodeName, server, podCidr, node.Agent.Options.KubeletPort);
        Console.WriteLine($"\nNode {nodeName} joined {server} (pod CIDR {podCidr}, data in {dataDir}).\n");

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            LogStopping(log);
        }
        // As in `axolotl server`: containers keep running and routes stay; the next start adopts them.
        await node.DisposeAsync();
        LogStopped(log);
        return 0;
    }

    private static (JoinToken Token, SecureJoinToken? Secure) ReadToken(string path)
    {
        string text;
        try
        {
            text = File.ReadAllLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        }
        catch (IOException e)
        {
            throw new ArgumentException($"cannot read --token-file {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"cannot read --token-file {path}: {e.Message}");
        }
        return ParseToken(text, $"--token-file {path}");
    }

    /// <summary>A secure token (K10&lt;CA hash&gt;::id.secret) or a bare one; the reason never quotes the text, which may be a secret.</summary>
    private static (JoinToken Token, SecureJoinToken? Secure) ParseToken(string text, string source) =>
        SecureJoinToken.TryParse(text, out var token, out var caHash, out var error)
            ? (token, caHash is null ? null : new SecureJoinToken(caHash, token))
            : throw new ArgumentException($"{source} is not a join token: {error}");

    /// <summary>
    /// The cluster CA: with a secure token, --ca-file checked against its hash, else the server's /cacerts checked
    /// against it (waiting while no server answers); with a bare token, --ca-file or pki/ca.crt beside the token file.
    /// </summary>
    private static async Task<string> ClusterCa(string? caFile, string? tokenFile, SecureJoinToken? secure, IReadOnlyList<Uri> servers, CommandHost host)
    {
        if (secure is null)
        {
            return ReadCa(caFile, tokenFile);
        }
        if (caFile is not null)
        {
            var pem = ReadCa(caFile, tokenFile);
            var bytes = File.ReadAllBytes(caFile);
            return secure.Pins(bytes)
                ? pem
                : throw new NodeIdentityException($"--ca-file {caFile} has SHA-256 {SecureJoinToken.HashCa(bytes)}, but the token pins {secure.CaHash}: not this cluster's CA");
        }
        var log = host.Logging.CreateLogger("axolotl");
        var (_, ca) = await ServerWait.FirstAnsweringAsync(servers, s => ClusterCaDiscovery.FetchAsync(s, secure, TimeProvider.System, host.Shutdown.Token),
            log, TimeProvider.System, host.Shutdown.Token);
        return ca;
    }

    /// <summary>--ca-file; else pki/ca.crt beside the token file (the server's data dir); else the default server data dir's.</summary>
    private static string ReadCa(string? caFile, string? tokenFile)
    {
        var path = caFile ?? Path.Combine(tokenFile is not null ? Path.GetDirectoryName(Path.GetFullPath(tokenFile)) ?? "." : DataDirectory.Default(), "pki", "ca.crt");
        if (!File.Exists(path))
        {
            throw new ArgumentException(caFile is null
                ? $"no cluster CA at {path}: join with the token the server prints (K10<CA hash>::…, `axolotl token create` on the server), which lets the agent fetch and check the CA, or pass --ca-file with a copy of the server's DIR/pki/ca.crt"
                : $"--ca-file {path} does not exist");
        }
        var pem = File.ReadAllText(path);
        var check = new X509Certificate2Collection();
        check.ImportFromPem(pem);
        return check.Count > 0 ? pem : throw new ArgumentException($"{path} holds no PEM certificate");
    }

    /// <summary>--server URL[,URL...]: every entry an https:// URL.</summary>
    internal static List<Uri> ParseServers(string? text)
    {
        var servers = new List<Uri>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            servers.Add(Uri.TryCreate(part, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps
                ? parsed
                : throw new ArgumentException($"invalid --server \"{part}\": want https://HOST:PORT"));
        }
        return servers.Count > 0 ? servers : throw new ArgumentException("--server URL is required and must be https://HOST:PORT");
    }

    /// <summary>What the kubelet serving certificate names: the node's address (where the API server dials it), its name and the host name.</summary>
    internal static (IReadOnlyCollection<string> Dns, IReadOnlyCollection<System.Net.IPAddress> Addresses) ServingNames(string nodeName)
    {
        var host = System.Net.Dns.GetHostName().ToLowerInvariant();
        IReadOnlyCollection<string> dns = host == nodeName || Api.Validation.NameRules.DNS1123Subdomain(host).Count > 0 ? [nodeName] : [nodeName, host];
        return (dns, [System.Net.IPAddress.Parse(Agent.Node.NodeFacts.DetectIp())]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node} joined {Server}: pod CIDR {PodCidr}, kubelet endpoint on port {KubeletPort}")]
    private static partial void LogJoined(ILogger logger, string node, Uri server, string podCidr, int kubeletPort);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {Node}: no ingress controller certificate ({Reason}); this node runs no Ingress or Gateway API controller")]
    private static partial void LogNoIngressController(ILogger logger, string node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped")]
    private static partial void LogStopped(ILogger logger);
}
