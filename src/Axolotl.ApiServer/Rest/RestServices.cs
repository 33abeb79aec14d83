using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.FieldManagement;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// What the REST handlers share: the object store, the admission chain (every plugin, in order), the
/// clock, logging, and a token that fires when the server stops (long-running watches end on it so
/// shutdown does not wait for them).
/// </summary>
public sealed record RestServices(ObjectStore Objects, AdmissionChain Admission, TimeProvider Clock, ILoggerFactory Logging, CancellationToken Stopping)
{
    public ServiceAllocator Services { get; init; } = new(Objects);

    public DisruptionBudgets DisruptionBudgets { get; init; } = new(Objects);

    public FieldManager Fields { get; init; } = new(Clock);

    /// <summary>Moves objects between the stored version and the served one (a custom resource's through its CRD's converter).</summary>
    public required ObjectViews Views { get; init; }

    /// <summary>The least time a watch without timeoutSeconds stays open (see ApiServerOptions.MinRequestTimeout).</summary>
    public TimeSpan MinRequestTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary>A fraction in [0, 1) that spreads watch time-outs over a minimum's length (a test fixes it).</summary>
    public Func<double> Jitter { get; init; } = () => System.Security.Cryptography.RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0;
}
