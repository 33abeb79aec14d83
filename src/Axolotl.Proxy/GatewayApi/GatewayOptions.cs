namespace Axolotl.Proxy.GatewayApi;

/// <summary>The node's Gateway API controller's configuration.</summary>
public sealed record GatewayOptions
{
    /// <summary>The controllerName a GatewayClass names to be served by Axolotl.</summary>
    public const string DefaultControllerName = "axolotl.io/gateway-controller";

    public required string NodeName { get; init; }

    /// <summary>The node's address, written to status.addresses of the Gateways served.</summary>
    public required string StatusAddress { get; init; }

    public string ControllerName { get; init; } = DefaultControllerName;

    /// <summary>How long after a failed status write or bind the controller tries again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the Gateway API informers may take to list once their CRDs are established before the pass gives up and retries.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Read each certificateRef's Secret by name instead of an informer of every Secret (a joined node's identity: ADR 0028).</summary>
    public bool ReadSecretsByName { get; init; }

    public TimeSpan InformerInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan InformerMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
