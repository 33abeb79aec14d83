using System.Net;

namespace Axolotl.ApiServer.Hosting;

public sealed record ApiServerOptions
{
    public required string DataDir { get; init; }
    public int Port { get; init; } = 6443;
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Where Services get their cluster IPs (see <see cref="Admission.ServiceAllocator"/>).</summary>
    public string ServiceCidr { get; init; } = Admission.ServiceAllocator.DefaultServiceCidr;

    /// <summary>The cluster's pod range (--cluster-cidr), published with the Service range for joining agents; null: not published.</summary>
    public string? ClusterCidr { get; init; }

    /// <summary>The cluster's pod network mode ("host-gw" or "vxlan"), published for joining agents; null: not published.</summary>
    public string? PodNetwork { get; init; }

    /// <summary>tolerationSeconds of the not-ready/unreachable tolerations added to pods (--default-*-toleration-seconds).</summary>
    public Admission.DefaultTolerationSeconds DefaultTolerations { get; init; } = new();

    /// <summary>More names and addresses for the serving certificate (--tls-san), checked by <see cref="Security.ServingNames.ParseTlsSans"/>.</summary>
    public Security.ServingNames TlsSans { get; init; } = Security.ServingNames.None;

    /// <summary>An EncryptionConfiguration file (--encryption-provider-config); null: DIR/encryption-config.yaml, made on first start.</summary>
    public string? EncryptionProviderConfig { get; init; }

    /// <summary>Pod Security admission's cluster defaults and exemptions (--pod-security-admission-config-file); default: privileged, none.</summary>
    public Admission.PodSecurity.PodSecurityConfiguration PodSecurity { get; init; } = Admission.PodSecurity.PodSecurityConfiguration.Default;

    /// <summary>The address published as the <c>kubernetes</c> Service's endpoint (--advertise-address); null: see <see cref="ControlPlane.AdvertiseAddress.Choose"/>.</summary>
    public IPAddress? AdvertiseAddress { get; init; }

    /// <summary>Service account tokens: issuer, audiences, expiration limits (--service-account-* flags).</summary>
    public ServiceAccounts.ServiceAccountTokenOptions ServiceAccountTokens { get; init; } = new();

    /// <summary>
    /// The ServiceAccount admission plugin (kube-apiserver's --disable-admission-plugins=ServiceAccount turns it
    /// off): an in-process test cluster without the controller that makes each namespace's default account disables it.
    /// </summary>
    public bool ServiceAccountAdmission { get; init; } = true;

    /// <summary>Keeps the <c>kubernetes</c> Service in <c>default</c> and its endpoints; an in-process test cluster, which serves no pods, turns it off.</summary>
    public bool KubernetesService { get; init; } = true;

    /// <summary>Creates the default StorageClass <c>local-path</c> at start-up when it is missing (k3s's default class).</summary>
    public bool DefaultStorageClass { get; init; } = true;

    /// <summary>How often the resource metrics API reads every agent (metrics-server's --metric-resolution).</summary>
    public TimeSpan MetricResolution { get; init; } = Metrics.ResourceMetricsScraper.DefaultResolution;

    /// <summary>
    /// How long an Event (core/v1 and events.k8s.io/v1 share its storage) lives after its last write
    /// (kube-apiserver's --event-ttl, default 1h); see <see cref="Axolotl.Storage.Expiry.ExpirySweeper"/>.
    /// </summary>
    public TimeSpan EventTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>kube-apiserver's default --min-request-timeout.</summary>
    public static readonly TimeSpan DefaultMinRequestTimeout = TimeSpan.FromSeconds(1800);

    /// <summary>
    /// A watch without timeoutSeconds (or with 0) ends after a random time between this and twice this, as
    /// kube-apiserver's --min-request-timeout, so informers reconnect spread out; zero: watches never time out.
    /// </summary>
    public TimeSpan MinRequestTimeout { get; init; } = DefaultMinRequestTimeout;

    /// <summary>Read-only requests in flight (--max-requests-inflight, upstream's default 400); with flow control, part of the server's concurrency limit.</summary>
    public int MaxRequestsInflight { get; init; } = 400;

    /// <summary>Mutating requests in flight (--max-mutating-requests-inflight, default 200); with flow control, the rest of the server's concurrency limit.</summary>
    public int MaxMutatingRequestsInflight { get; init; } = 200;

    /// <summary>API Priority and Fairness (--enable-priority-and-fairness, default true); false: the two plain max-in-flight limits.</summary>
    public bool EnablePriorityAndFairness { get; init; } = true;

    /// <summary>
    /// How often flow control counts each resource's stored objects to price LISTs (kube-apiserver's
    /// --etcd-count-metric-poll-period, default one minute).
    /// </summary>
    public TimeSpan ObjectCountPollPeriod { get; init; } = FlowControl.WorkEstimation.ObjectCounter.DefaultPeriod;

    /// <summary>The watch cache (--watch-cache, default on) and how much history each resource's cache keeps.</summary>
    public Watch.Cache.WatchCacheOptions WatchCache { get; init; } = new();
}
