using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Axolotl.Agent;
using Axolotl.Api.Core;
using Axolotl.ApiServer.Hosting;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Admission.PodSecurity;
using Axolotl.ApiServer.Security;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers;
using Axolotl.Controllers.Certificates;
using Axolotl.NodeIdentity;
using Axolotl.Scheduler;
using Axolotl.Storage;
using Axolotl.Storage.Etcd;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl server`: the control plane in the foreground. Store → API server → kubeconfig →
/// controllers (which reach the API over loopback HTTPS like any other client). Ctrl-C or SIGTERM
/// stops it in the reverse order.
/// </summary>
public static partial class ServerCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>
    {
        "data-dir", "datastore-endpoint", "etcd-compaction-interval", "datastore-cafile", "datastore-certfile", "datastore-keyfile", "token-file", "leader-elect-lease-duration", "leader-elect-renew-deadline", "leader-elect-retry-period", "secrets-from", "port", "bind", "node-name", "pod-cidr", "cluster-cidr", "pod-network", "node-cidr-mask-size", "allocate-node-cidrs", "kubelet-port", "restart-backoff", "restart-backoff-max", "bridge", "local-agent", "private-registry", "airgap",
        "service-cidr", "proxy-balancing", "proxy-mode", "ingress-http-port", "ingress-https-port", "node-lease-interval", "runtime", "resolv-conf", "conntrack-max-per-pod",
        "join-token-ttl", "encryption-provider-config", "cluster-signing-duration", "node-monitor-grace-period", "default-toleration-seconds", "default-not-ready-toleration-seconds", "default-unreachable-toleration-seconds",
        "tls-san", "advertise-address", "service-account-issuer", "service-account-max-token-expiration", "service-account-extend-token-expiration", "service-account-token-ttl-for-testing", "pod-security-admission-config-file", "allowed-unsafe-sysctls", "seccomp-default",
        "eviction-hard", "eviction-soft", "eviction-soft-grace-period", "eviction-minimum-reclaim", "eviction-pressure-transition-period",
        "eviction-max-pod-grace-period", "eviction-monitoring-interval", "system-reserved", "kube-reserved",
        "testing-cronjob-clock-rate", "metric-resolution", "horizontal-pod-autoscaler-sync-period",
        "min-request-timeout", "event-ttl",
        "max-requests-inflight", "max-mutating-requests-inflight", "enable-priority-and-fairness", "etcd-count-metric-poll-period", "watch-cache", "reclaim-memory", "v",
    };

    /// <summary>A non-negative integer flag, or <paramref name="fallback"/> when absent.</summary>
    private static int CountFlag(CommandLine args, string name, int fallback) =>
        args.Get(name) is { } text
            ? int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"--{name} must be a non-negative integer")
            : fallback;

    /// <summary>A positive Go-style duration flag ("15s", "1m"), or null when absent.</summary>
    private static TimeSpan? DurationFlag(CommandLine args, string name) =>
        args.Get(name) is { } text
            ? TokenCommand.ParseTtl(text) is { } value && value > TimeSpan.Zero ? value : throw new ArgumentException($"--{name} must be a positive duration such as 15s")
            : null;

    /// <summary>kube-apiserver's --min-request-timeout: whole seconds, 0 for watches that never time out.</summary>
    private static TimeSpan MinRequestTimeout(CommandLine args) =>
        args.Get("min-request-timeout") is not { } text ? ApiServerOptions.DefaultMinRequestTimeout
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException("--min-request-timeout must be a whole number of seconds from 0 to 86400");

    /// <summary>The CronJob controller's clock: the server's, or a faster one for tests.</summary>
    private static TimeProvider? CronJobClock(CommandLine args, TimeProvider clock)
    {
        if (args.Get("testing-cronjob-clock-rate") is not { } text)
        {
            return null;
        }
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) || rate < 1 || rate > 3600)
        {
            throw new ArgumentException("--testing-cronjob-clock-rate must be a number from 1 to 3600");
        }
        return new ScaledClock(clock, rate);
    }

    public const string Usage = """
        Usage: axolotl server [--data-dir DIR] [--port PORT] [--bind ADDR]

          --data-dir DIR   where state, certificates and the kubeconfig live (default: $XDG_DATA_HOME/axolotl or ~/.local/share/axolotl)
          --port PORT      HTTPS port of the API server (default: 6443)
          --min-request-timeout N
                           seconds a watch without timeoutSeconds stays open at least: each gets a random timeout
                           between N and 2N, so clients reconnect spread out, not all at once (default: 1800)
          --max-requests-inflight N
                           read-only requests in flight at once (default: 400); with priority and fairness, added to
                           --max-mutating-requests-inflight to make the server's concurrency limit that the
                           PriorityLevelConfigurations share
          --max-mutating-requests-inflight N
                           mutating requests in flight at once (default: 200)
          --enable-priority-and-fairness B
                           API Priority and Fairness: FlowSchemas sort requests into priority levels with their own
                           seats and fair queues (default: true); false: the two limits above, 429 beyond each
          --etcd-count-metric-poll-period D
                           how often each resource's stored objects are counted for priority and fairness, which
                           prices a LIST at one seat per 100 objects (kube-apiserver's flag; default: 1m)
          --watch-cache B
                           serve watches from one cache per resource that decodes each event once for every
                           watcher (default: true); false: every watch reads the store itself
          --etcd-compaction-interval D
                           how often the store compacts revisions older than the last interval (kube-apiserver's
                           flag, for SQLite and etcd alike; default: 5m; 0 turns compaction off)
          --event-ttl D    how long an Event (core/v1 and events.k8s.io/v1) is kept after its last write; then it is
                           deleted, with a DELETED to watchers (kube-apiserver's flag; default: 1h)
          --metric-resolution D
                           how often the resource metrics API (kubectl top) reads every agent (default: 15s)
          --horizontal-pod-autoscaler-sync-period D
                           how often each HorizontalPodAutoscaler is evaluated (default: 15s)
          --datastore-endpoint URL[,URL...]
                           keep the cluster's state in etcd (v3, e.g. http://127.0.0.1:2379; several members
                           comma-separated, the next tried when one does not answer) under /registry/ as
                           kube-apiserver does, instead of SQLite in DIR/state.db (the default); https:// for TLS:
          --datastore-cafile FILE, --datastore-certfile FILE, --datastore-keyfile FILE
                           the CA etcd's serving certificates must chain to (default: the system's), and the client
                           certificate and key to present (etcd --client-cert-auth)
          --token-file FILE
                           the cluster's server token (one line, 16+ characters; k3s's --token): on etcd, the first
                           server stores the cluster's CAs, keys and tokens there encrypted with it, and every further
                           server started with the same token takes them from there (instead of --secrets-from)
          --leader-elect-lease-duration D, --leader-elect-renew-deadline D, --leader-elect-retry-period D
                           kube-controller-manager's leader election of the controllers and the scheduler among
                           servers (default 15s, 10s, 2s): a SIGKILLed leader's work resumes elsewhere after about
                           the lease duration; shorter timings fail over sooner and renew the Leases more often
          --secrets-from DIR
                           join a cluster whose first server keeps its data in DIR (or a copy of its pki/, tokens/,
                           join-token and encryption-config.yaml): on first start its CAs, service-account key, tokens and
                           encryption keys are copied into --data-dir; use with the same --datastore-endpoint and --port
          --bind ADDR      address to listen on (default: 0.0.0.0)
          --advertise-address ADDR
                           the address pods reach the API server at, published as the endpoint of the kubernetes
                           Service in default (default: the --bind address; with 0.0.0.0 the address of the interface
                           of the default route; bound to loopback only, the Service has no endpoints)
          --service-account-issuer URL
                           the iss of service account tokens, also their default audience (default:
                           https://kubernetes.default.svc.cluster.local)
          --service-account-max-token-expiration D
                           the longest token a TokenRequest gets, e.g. 24h (default: no limit)
          --service-account-extend-token-expiration B
                           pod-bound tokens asked for 3607 s (the kubelet's) live a year, warnafter at 3607 s (default: true)
          --service-account-token-ttl-for-testing D
                           testing only: every service account token lives D (e.g. 20s), below the 10-minute minimum
          --testing-cronjob-clock-rate N
                           testing only: the CronJob controller's clock runs N times faster than real time from the
                           server's start (60: an every-minute schedule fires every second)
          --tls-san NAME[,NAME...]
                           more DNS names or IP addresses for the serving certificate (repeatable); it always names
                           every address the server listens on, the host name, localhost, kubernetes.default.svc
                           (and the shorter forms) and the first address of the service CIDR
          --node-name NAME the local node's name (default: the host name)
          --pod-cidr CIDR  the local node's pod addresses (default: the one node IPAM assigns, 10.244.0.0/24 on a new cluster)
          --cluster-cidr CIDR
                           the pod range node IPAM gives every node a subnet of (kube-controller-manager's flag; default: 10.244.0.0/16)
          --pod-network MODE
                           how pod traffic crosses machines, for the whole cluster: host-gw (default; routes via each
                           node's address, so nodes must share a link) or vxlan (an overlay on UDP 8472 between the
                           nodes' addresses, any routed network; pod MTU 50 bytes under the uplink's)
          --node-cidr-mask-size N
                           the size of each node's subnet (default: 24)
          --allocate-node-cidrs B
                           run node IPAM (default: true); with false every node must be given --pod-cidr
          --kubelet-port N the local node agent's HTTPS port for logs and exec (default: 10250)
          --private-registry FILE
                           the local node's registry settings, k3s's registries.yaml (mirrors, rewrites, auth, tls)
                           (default: DIR/registries.yaml when it exists)
          --encryption-provider-config FILE
                           a Kubernetes EncryptionConfiguration (aesgcm and identity providers); default: DIR/encryption-config.yaml,
                           made on first start to encrypt Secrets with a fresh AES-GCM key
          --pod-security-admission-config-file FILE
                           Pod Security admission's cluster defaults and exemptions: an AdmissionConfiguration
                           (apiserver.config.k8s.io/v1) with a PodSecurity plugin entry, or a bare
                           PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1); namespaces'
                           pod-security.kubernetes.io/* labels override the defaults (default: privileged, no exemptions)
          --join-token-ttl D
                           lifetime of the join token a first start makes, e.g. 24h (default), 7d; 0 = never expires
          --cluster-signing-duration D
                           the longest node certificate issued, e.g. 8760h (default: one year); nodes renew at 70–90 % of it
          --bridge NAME    the local node's pod bridge (default: axl0; one per node when several run on a machine)
          --local-agent B  run a node agent for this machine (default: true; false = control plane only)
          --service-cidr CIDR
                           Services' cluster IPs (default: 10.96.0.0/16); the local service proxy serves this range
          --proxy-balancing MODE
                           how the service proxy spreads connections: round-robin (default) or least-connections
          --proxy-mode MODE
                           relay (default): the userspace relay serves every Service (a connection whose pod dies
                           before answering is replayed on another; no failed requests under kills and rollouts),
                           kernel rules only while the process is down; nftables: the kernel DNATs every TCP and UDP
                           Service connection (sessionAffinity ClientIP too), as kube-proxy's nftables mode
                           (throughput near direct, no replay); node ports on 127.0.0.1 stay on the relay (ADR 0030)
          --ingress-http-port N, --ingress-https-port N
                           the built-in Ingress controller's ports (default: 80 and 443) on loopback and the node's own
                           addresses, never 0.0.0.0 (Services' cluster IPs keep those ports); 0 = off, both 0 = no
                           controller; a port already taken is a warning and is tried again, not a failed start
          --resolv-conf FILE
                           the node's resolvers (the kubelet's flag; default: /etc/resolv.conf, or systemd-resolved's
                           upstream list when it names only 127.0.0.53; "" = none): the cluster DNS forwards names
                           outside cluster.local there, and dnsPolicy Default pods get this file
          --conntrack-max-per-pod N
                           connections one pod may have open through the node to other nodes and outside the cluster
                           (default: 4096; 0 = no cap); past it a new one is refused (ICMP admin-prohibited)
          --restart-backoff D, --restart-backoff-max D
                           CrashLoopBackOff curve: first delay and cap (default: 10s and 300s, as Kubernetes)
          --node-lease-interval D
                           how often the local node renews its Lease (default: 10s); keep it well under the grace period
          --allowed-unsafe-sysctls LIST
                           unsafe sysctls (names or prefix*, comma-separated, each namespaced: kernel.shm*, kernel.msg*,
                           kernel.sem, fs.mqueue.*, net.*) the local node lets pods set besides the safe ones (the kubelet's flag)
          --runtime MODE   the local node's containers: process (default) or fake (like kwok: pods go Running with an IP
                           from the pod CIDR but no process, and run until deleted, or until the container's env
                           AXOLOTL_FAKE_EXIT_AFTER (e.g. 200ms) says, exiting AXOLOTL_FAKE_EXIT_CODE; no bridge, cgroups, service proxy
                           or DNS on the host; every probe passes at once; logs are empty, exec exits 0)
          --system-reserved LIST, --kube-reserved LIST
                           resources held back from pods, as the kubelet's flags: cpu=500m,memory=1Gi,ephemeral-storage=1Gi,pid=1000;
                           the pods cgroup is limited to memory capacity minus both, and Node allocatable also subtracts
                           the hard eviction threshold
          --eviction-hard LIST
                           hard eviction thresholds (default: memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,
                           nodefs.inodesFree<5%; a list given replaces them all); signals: memory.available, nodefs.available,
                           nodefs.inodesFree, imagefs.available, imagefs.inodesFree, pid.available
          --eviction-soft LIST, --eviction-soft-grace-period LIST
                           soft thresholds (memory.available<300Mi) and how long each must hold (memory.available=1m30s)
          --eviction-minimum-reclaim LIST
                           how far past a threshold to reclaim before stopping (memory.available=100Mi,nodefs.available=5%)
          --eviction-pressure-transition-period D
                           how long a pressure condition stays True after its threshold was last met (default: 5m)
          --eviction-max-pod-grace-period N
                           the longest grace (seconds) a pod evicted by a soft threshold gets (default: 0 = the pod's own)
          --eviction-monitoring-interval D
                           how often the signals are observed (default: 10s, the kubelet's; shorter for tests)
          --airgap         the local node never contacts a registry: images come only from its store (DIR/agent/images/,
                           `axolotl images import`, the bundled seed images); without it each image's registry is asked
          --seccomp-default
                           the local node runs containers without a seccomp profile under RuntimeDefault (the kubelet's
                           flag); Localhost profiles are files under DIR/agent/seccomp
          --reclaim-memory B
                           after a burst, once the process has gone quiet, collect and give back the memory it grew
                           (default: true; false leaves it to the GC, which collects only as the process allocates)
          --v N, -v N      log verbosity as the Kubernetes components have it: 0 (default) info, warnings and
                           errors; 2-3 also the web host's own info; 4-5 debug (a client's 4xx, informer retries);
                           6+ trace, one line per API request
        """ + "\n" + NodeLifecycleUsage;

    private static Axolotl.ApiServer.ServiceAccounts.ServiceAccountTokenOptions ServiceAccountTokensFrom(CommandLine args)
    {
        var issuer = args.Get("service-account-issuer") ?? Axolotl.ApiServer.ServiceAccounts.ServiceAccountTokenOptions.DefaultIssuer;
        if (issuer.Length == 0)
        {
            throw new ArgumentException("--service-account-issuer must not be empty");
        }
        TimeSpan? max = args.Get("service-account-max-token-expiration") is { } maxText
            ? TokenCommand.ParseTtl(maxText) is { } m && m >= TimeSpan.FromHours(1) ? m : throw new ArgumentException("the service-account-max-token-expiration must be set longer than 1h0m0s")
            : null;
        TimeSpan? testing = args.Get("service-account-token-ttl-for-testing") is { } ttlText
            ? TokenCommand.ParseTtl(ttlText) ?? throw new ArgumentException("--service-account-token-ttl-for-testing must be longer than 0")
            : null;
        return new Axolotl.ApiServer.ServiceAccounts.ServiceAccountTokenOptions
        {
            Issuer = issuer,
            ApiAudiences = [issuer],
            MaxExpiration = max,
            ExtendExpiration = args.GetBool("service-account-extend-token-expiration", true),
            TestingTtl = testing,
        };
    }

    public static async Task<int> RunAsync(CommandLine args)
    {
        var started = Stopwatch.GetTimestamp();
        var dataDir = Path.GetFullPath(args.Get("data-dir") ?? DataDirectory.Default());
        // A bad eviction or reserved flag stops the start before anything is served, with the kubelet's reason.
        _ = LocalAgent.EvictionFlags(args);
        _ = LocalAgent.PodNetwork(args);
        _ = LocalAgent.ProxyMode(args);
        var leaderElection = LeaderElectionFrom(args);
        var port = args.GetInt("port", 6443);
        var bindText = args.Get("bind") ?? "0.0.0.0";
        if (!IPAddress.TryParse(bindText, out var bind))
        {
            throw new ArgumentException($"invalid --bind \"{bindText}\": want an IP address");
        }
        var serviceCidr = args.Get("service-cidr") ?? ServiceAllocator.DefaultServiceCidr;
        _ = ServiceAllocator.ParseCidr(serviceCidr);
        var tlsSans = ServingNames.ParseTlsSans(args.GetAll("tls-san"));
        IPAddress? advertise = null;
        if (args.Get("advertise-address") is { } advertiseText && !IPAddress.TryParse(advertiseText, out advertise))
        {
            throw new ArgumentException($"invalid --advertise-address \"{advertiseText}\": want an IP address");
        }
        if (advertise is not null && IPAddress.IsLoopback(advertise))
        {
            // Endpoints refuse loopback addresses: say so now rather than fail when the kubernetes Service is written.
            throw new ArgumentException($"invalid --advertise-address \"{advertise}\": may not be in the loopback range (127.0.0.0/8, ::1/128)");
        }
        // A bad --runtime stops the start before anything is served.
        _ = LocalAgent.IsFakeRuntime(args);
        var podSecurity = PodSecurityFrom(args);
        DataDirectory.EnsurePrivate(dataDir);
        // One process per data dir; `axolotl reset` checks the same lock before it touches the node.
        using var dataLock = DataDirLock.Take(dataDir, "server");
        var serverToken = args.Get("token-file") is { } tokenFile ? ClusterBootstrap.ReadToken(tokenFile) : null;
        if (serverToken is not null && (args.Get("datastore-endpoint") is null || args.Get("secrets-from") is not null))
        {
            throw new ArgumentException("--token-file needs --datastore-endpoint (servers share a cluster only through etcd) and replaces --secrets-from");
        }
        if (args.Get("secrets-from") is { } secretsFrom)
        {
            if (args.Get("datastore-endpoint") is null)
            {
                throw new ArgumentException("--secrets-from needs --datastore-endpoint: servers share a cluster only through etcd");
            }
            ClusterSecrets.CopyInto(secretsFrom, dataDir);
        }

        using var command = new CommandHost(Verbosity.Parse(args.Get("v")));
        var logging = command.Logging;
        var log = logging.CreateLogger("axolotl");
        var clock = TimeProvider.System;

        var shutdown = command.Shutdown;

        var phase = Stopwatch.GetTimestamp();
        await using var store = await OpenStoreAsync(args, dataDir, clock, logging, shutdown.Token);
        if (store is EtcdStore etcd)
        {
            LogEtcdStore(log, etcd.Endpoints, etcd.CurrentRevision, etcd.CompactRevision);
        }
        if (serverToken is not null && await ClusterBootstrap.FetchAsync(store, serverToken, dataDir, shutdown.Token))
        {
            LogBootstrapFetched(log, dataDir);
        }
        var storeMs = Stopwatch.GetElapsedTime(phase).TotalMilliseconds;
        phase = Stopwatch.GetTimestamp();
        await using var host = await ApiServerHost.StartAsync(
            new ApiServerOptions
            {
                DataDir = dataDir,
                Port = port,
                BindAddress = bind,
                ServiceCidr = serviceCidr,
                ClusterCidr = LocalAgent.ClusterCidr(args),
                PodNetwork = Axolotl.Agent.Network.PodNetworkModes.Name(LocalAgent.PodNetwork(args)),
                TlsSans = tlsSans,
                DefaultTolerations = DefaultTolerationsFrom(args),
                EncryptionProviderConfig = args.Get("encryption-provider-config") is { } config ? Path.GetFullPath(config) : null,
                PodSecurity = podSecurity,
                AdvertiseAddress = advertise,
                ServiceAccountTokens = ServiceAccountTokensFrom(args),
                MetricResolution = DurationFlag(args, "metric-resolution") ?? Axolotl.ApiServer.Metrics.ResourceMetricsScraper.DefaultResolution,
                MinRequestTimeout = MinRequestTimeout(args),
                EventTtl = DurationFlag(args, "event-ttl") ?? TimeSpan.FromHours(1),
                MaxRequestsInflight = CountFlag(args, "max-requests-inflight", 400),
                MaxMutatingRequestsInflight = CountFlag(args, "max-mutating-requests-inflight", 200),
                EnablePriorityAndFairness = args.GetBool("enable-priority-and-fairness", true),
                ObjectCountPollPeriod = DurationFlag(args, "etcd-count-metric-poll-period") ?? Axolotl.ApiServer.FlowControl.WorkEstimation.ObjectCounter.DefaultPeriod,
                WatchCache = new Axolotl.ApiServer.Watch.Cache.WatchCacheOptions { Enabled = args.GetBool("watch-cache", true) },
            }, store, clock, logging, shutdown.Token);

        var apiMs = Stopwatch.GetElapsedTime(phase).TotalMilliseconds;
        var kubeconfig = KubeconfigWriter.Write(Path.Combine(dataDir, "kubeconfig"), host.LoopbackUrl, host.Pki.CaPem, host.Tokens.AdminToken);
        using var client = KubeClient.Create(host.LoopbackUrl, host.Tokens.AdminToken, host.Pki.CaPem);
        await LoopbackWarmUp.RunAsync(client, log, shutdown.Token);
        var joinToken = host.Tokens.JoinTokens.EnsureInitial(TokenCommand.ParseTtl(args.Get("join-token-ttl") ?? "24h"));
        if (serverToken is not null)
        {
            // Now that this server's secrets exist (made, or fetched above): the next server with the token finds them.
            await ClusterBootstrap.PublishAsync(store, serverToken, dataDir, shutdown.Token);
        }
        var signing = new CertificateSigningOptions
        {
            ClientCa = host.Pki.Ca,
            ServingCa = host.Pki.KubeletCa,
            Duration = args.Get("cluster-signing-duration") is { } duration ? TokenCommand.ParseTtl(duration) ?? throw new ArgumentException("--cluster-signing-duration must be longer than 0") : TimeSpan.FromDays(365),
        };
        // Each component under its own least-privilege user (bootstrap ClusterRoles), not the admin token.
        using var controllerClient = ComponentClients.Create(host.LoopbackUrl, host.Pki, BootstrapRoles.ControllerManagerUser, clock);
        using var schedulerClient = ComponentClients.Create(host.LoopbackUrl, host.Pki, BootstrapRoles.SchedulerUser, clock);
        using var proxyClient = ComponentClients.Create(host.LoopbackUrl, host.Pki, BootstrapRoles.ProxyUser, clock);
        using var ingressClient = ComponentClients.Create(host.LoopbackUrl, host.Pki, BootstrapRoles.IngressUser, clock);
        // One informer per kind for the whole process: the controllers, the scheduler and the service proxy
        // share its watches and caches. They read as the controller manager, which may read every kind.
        var informers = new SharedInformerFactory(controllerClient, logging, clock);
        using var stopInformers = new CancellationTokenSource();
        var controllerOptions = new ControllerManagerOptions
        {
            Informers = informers,
            NodeLifecycleOptions = NodeLifecycleOptionsFrom(args),
            NodeIpam = NodeIpamFrom(args),
            CertificateSigning = signing,
            RootCaPem = host.Pki.CaPem,
            AggregatorProxyClientCertificate = host.Pki.FrontProxyClient,
            CronJobClock = CronJobClock(args, clock),
            HorizontalPodAutoscalerSyncPeriod = DurationFlag(args, "horizontal-pod-autoscaler-sync-period") ?? Axolotl.Controllers.PodAutoscaler.HorizontalPodAutoscalerController.DefaultSyncPeriod,
        };
        // Several servers may share an etcd: the controllers and the scheduler act only on the server holding their Lease.
        var soleCandidate = store is not EtcdStore;
        await using var controllers = new ElectedComponent(controllerClient, "kube-controller-manager", "kube-controller-manager", async leading =>
        {
            var manager = await ControllerManager.StartAsync(controllerClient, logging, clock, controllerOptions, leading);
            return async () =>
            {
                await manager.StopAsync();
                await manager.DisposeAsync();
            };
        }, soleCandidate, clock, logging, leaderElection, host.Liveness);
        controllers.Start(shutdown.Token);
        await using var scheduler = new ElectedComponent(schedulerClient, "kube-scheduler", "default-scheduler", async leading =>
        {
            var service = await SchedulerService.StartAsync(schedulerClient, informers, logging, clock, new SchedulerOptions(), leading);
            return async () =>
            {
                await service.StopAsync();
                await service.DisposeAsync();
            };
        }, soleCandidate, clock, logging, leaderElection, host.Liveness);
        scheduler.Start(shutdown.Token);
        // Before the local agent, which waits for node IPAM's CIDR; informers asked for later start at once, and
        // every consumer waits for its own to sync. They stop after their consumers, on the way out.
        informers.Start(stopInformers.Token);
        var runAgent = args.Get("local-agent") switch
        {
            null or "true" => true,
            "false" => false,
            var other => throw new ArgumentException($"invalid --local-agent \"{other}\": want true or false"),
        };
        KubeClient? nodeClient = null;
        NodeHost? node = null;
        if (runAgent)
        {
            // The local node is a node like any other: its own certificates, and the node authorizer's limits.
            var nodeName = args.Get("node-name") ?? new AgentOptions().NodeName;
            var credentials = NodeCredentials.IssueLocally(signing, nodeName, Path.Combine(dataDir, "agent"), AgentCommand.ServingNames(nodeName), clock);
            nodeClient = credentials.CreateClient(host.LoopbackUrl, host.Pki.CaPem);
            // Its service proxy runs as kube-proxy and shares the process's informers.
            try
            {
                node = await NodeHost.StartAsync(args, dataDir, nodeClient, new NodeHostOptions
                {
                    NodeName = nodeName,
                    Credentials = credentials,
                    ClientCa = host.Pki.Ca,
                    ServiceCidr = serviceCidr,
                    ProxyClient = proxyClient,
                    IngressClient = ingressClient,
                    Informers = informers,
                }, logging, clock, shutdown.Token);
            }
            catch
            {
                // The node could not start (its parts already stopped): the shared informers would otherwise fill the
                // log with failed lists while the process exits with the node's error.
                await stopInformers.CancelAsync();
                throw;
            }
        }

        await using var reclaimer = MemoryReclaim.Start(args, logging, clock, shutdown.Token);
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogReady(log, host.LoopbackUrl, elapsed.TotalMilliseconds, storeMs, apiMs);
        Console.WriteLine($"""

            Axolotl is ready at {host.LoopbackUrl} (data in {dataDir}).
            To use it with kubectl:

                export KUBECONFIG={kubeconfig}
                kubectl get namespaces

            {JoinHint(joinToken, JoinTokenStore.JoinTokenFile(dataDir), JoinUrl(bind, advertise, port, host.LoopbackUrl), host.Pki.CaPem)}

            """);

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            LogStopping(log);
        }
        // Containers keep running and routes stay while the server restarts; the next start adopts them.
        if (node is not null)
        {
            await node.DisposeAsync();
        }
        nodeClient?.Dispose();
        await scheduler.StopAsync();
        await controllers.StopAsync();
        await stopInformers.CancelAsync();
        await informers.WhenStoppedAsync();
        await host.StopAsync(CancellationToken.None);
        LogStopped(log);
        return 0;
    }

    /// <summary>Read before anything starts, so a bad file stops the server with its reason (kube-apiserver refuses one too).</summary>
    private static PodSecurityConfiguration PodSecurityFrom(CommandLine args)
    {
        if (args.Get("pod-security-admission-config-file") is not { } file)
        {
            return PodSecurityConfiguration.Default;
        }
        try
        {
            return PodSecurityConfigurationFile.Load(Path.GetFullPath(file));
        }
        catch (PodSecurityConfigurationException e)
        {
            throw new ArgumentException($"--pod-security-admission-config-file: {e.Message}", e);
        }
    }

    /// <summary>The token itself only when this start made it (kubeadm prints a token once too); afterwards, where it is.</summary>
    /// <summary>
    /// The line another machine pastes (the standing token with the CA's hash, k3s's secure token), printed only
    /// when the token was made, as the token itself; on later starts, how to mint one.
    /// </summary>
    private static string JoinHint(StandingJoinToken standing, string file, Uri url, string caPem)
    {
        var expiry = standing.Expires is { } at ? $"expires {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "never expires";
        return standing.Created
            ? $"""
                Join token: {standing.Token} ({expiry}; printed this once, kept in {file}, readable by root only).
                To join another node, run there (the token carries the CA's hash: nothing to copy):

                    axolotl agent --server {url.GetLeftPart(UriPartial.Authority)} --token {SecureJoinToken.For(caPem, standing.Token)}
                """
            : $"""
                Join token: in {file} ({expiry}; `axolotl token create` mints another).
                To join another node, run `axolotl token create` here and, there:

                    axolotl agent --server {url.GetLeftPart(UriPartial.Authority)} --token TOKEN
                """;
    }

    /// <summary>Where other machines reach this server: the advertised address, else (bound to loopback) the loopback URL.</summary>
    private static Uri JoinUrl(IPAddress bind, IPAddress? advertise, int port, Uri loopback) =>
        Axolotl.ApiServer.ControlPlane.AdvertiseAddress.Choose(bind, advertise) is { } address
            ? new UriBuilder(Uri.UriSchemeHttps, address.ToString(), port).Uri
            : loopback;

    [LoggerMessage(Level = LogLevel.Information, Message = "API server listening on {Url}, ready after {Milliseconds:F0} ms (store {StoreMs:F0} ms, API server {ApiMs:F0} ms)")]
    private static partial void LogReady(ILogger logger, Uri url, double milliseconds, double storeMs, double apiMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "store: etcd at {Endpoints} under /registry/, revision {Revision} (compacted up to {Compacted})")]
    private static partial void LogEtcdStore(ILogger logger, string endpoints, long revision, long compacted);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster secrets (CAs, keys, tokens) in {DataDir} are the ones the datastore holds for --token-file")]
    private static partial void LogBootstrapFetched(ILogger logger, string dataDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped")]
    private static partial void LogStopped(ILogger logger);
}
