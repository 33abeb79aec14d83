using Axolotl.Api.FlowControl;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Keeps <see cref="Current"/> in step with the stored FlowSchemas and PriorityLevelConfigurations
/// (through <see cref="FollowedKinds"/>, as the RBAC cache does), so `kubectl edit` of either takes
/// effect while the server runs. Each change recomputes every level's limits and swaps in a new snapshot; a level
/// that stays keeps its <see cref="QueueSet"/>, so requests waiting in it stay queued. Every
/// <see cref="SeatBorrowing.Period"/>, and after each change, <see cref="SeatBorrowing"/> moves seats between levels.
/// Until the first lists arrive, and whenever catch-all is missing, requests that match nothing go to a
/// built-in catch-all level, as upstream falls back to its mandatory object.
/// </summary>
public sealed class FlowControlConfigCache
{
    private readonly FollowedKinds _followed;
    private readonly int _serverConcurrencyLimit;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _borrowing = new();
    private readonly Dictionary<string, PriorityLevelState> _states = new(StringComparer.Ordinal);
    private volatile FlowControlConfiguration _current = FlowControlConfiguration.Empty;

    public FlowControlConfigCache(ObjectStore objects, int serverConcurrencyLimit, TimeProvider clock, ILogger<FlowControlConfigCache> logger)
    {
        _serverConcurrencyLimit = serverConcurrencyLimit;
        _clock = clock;
        _logger = logger;
        _followed = new FollowedKinds(objects, "flow control", [KnownResources.PriorityLevelConfigurations, KnownResources.FlowSchemas],
            Rebuild, "it is left out", clock, logger);
    }

    public int ServerConcurrencyLimit => _serverConcurrencyLimit;

    public FlowControlConfiguration Current => _current;

    /// <summary>The level requests go to when no schema matches: the mandatory catch-all's spec, one flow.</summary>
    public PriorityLevelState Fallback { get; } = new("catch-all", "", new QueueSet(1, null));

    /// <summary>Called after every rebuild (the Dangling status writer listens).</summary>
    public event Action<FlowControlConfiguration>? Changed;

    public async Task StartAsync(CancellationToken stopping)
    {
        await _followed.StartAsync(stopping);
        _ = Task.Run(() => AdjustEveryPeriodAsync(stopping), CancellationToken.None);
    }

    private async Task AdjustEveryPeriodAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(SeatBorrowing.Period, _clock, stopping);
                try
                {
                    AdjustBorrowing();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Every level keeps its current limit until the next period.
                    _logger.LogError(e, "adjusting the priority levels' seats failed");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The server stops.
        }
    }

    /// <summary>Replaces the objects directly (tests).</summary>
    public void Load(IEnumerable<FlowSchema> schemas, IEnumerable<PriorityLevelConfiguration> levels) =>
        _followed.Load(new Dictionary<ResourceType, IEnumerable<KubeObject>>
        {
            [KnownResources.FlowSchemas] = schemas,
            [KnownResources.PriorityLevelConfigurations] = levels,
        });

    /// <summary>Moves seats between levels by the demand since the last adjustment (every <see cref="SeatBorrowing.Period"/>).</summary>
    public double AdjustBorrowing()
    {
        lock (_borrowing)
        {
            return FairProp = SeatBorrowing.Adjust(_states.Values);
        }
    }

    /// <summary>The fair proportion of the last adjustment (upstream's seat_fair_frac).</summary>
    public double FairProp { get; private set; }

    /// <summary>Runs under <see cref="FollowedKinds"/>' lock; <see cref="_borrowing"/> guards <see cref="_states"/> against the adjustment.</summary>
    private void Rebuild(FollowedKinds followed)
    {
        lock (_borrowing)
        {
            RebuildLocked(followed);
            FairProp = SeatBorrowing.Adjust(_states.Values);
        }
        Changed?.Invoke(_current);
    }

    private void RebuildLocked(FollowedKinds followed)
    {
        var serverConcurrencyLimit = _serverConcurrencyLimit;
        var levels = followed.Of<PriorityLevelConfiguration>(KnownResources.PriorityLevelConfigurations).GroupBy(l => l.Metadata.Name ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var limits = SeatAllocation.Limits(levels.Values, serverConcurrencyLimit);
        foreach (var (name, level) in levels)
        {
            var exempt = level.Spec?.Type == PriorityLevelConfigurationSpec.TypeExempt;
            var queuing = PriorityLevelState.QueuingOf(level);
            var limit = limits[name];
            if (!_states.TryGetValue(name, out var state))
            {
                var demand = new SeatDemandIntegrator(_clock);
                _states[name] = state = new PriorityLevelState(name, level.Metadata.Uid ?? "", exempt ? null : new QueueSet(limit.Initial, queuing, demand))
                {
                    Demand = demand,
                    Limits = limit,
                    CurrentLimit = limit.Initial,
                };
            }
            else
            {
                state.CurrentLimit = state.Limits == limit ? state.CurrentLimit : Math.Clamp(state.CurrentLimit, limit.Min, Math.Max(limit.Min, limit.Max));
                state.Limits = limit;
                if (exempt)
                {
                    state.Queues = null;
                }
                else if (state.Queues is null)
                {
                    state.Queues = new QueueSet(state.CurrentLimit, queuing, state.Demand);
                }
                else
                {
                    state.Queues.Reconfigure(state.CurrentLimit, queuing);
                }
            }
            state.Uid = level.Metadata.Uid ?? "";
            state.MaxSeats = PriorityLevelState.MaxSeatsOf(limit.Nominal, queuing);
        }
        foreach (var gone in _states.Keys.Where(k => !levels.ContainsKey(k)).ToList())
        {
            // Requests still waiting there are refused: the level they were queued for no longer exists.
            _states[gone].Queues?.Reconfigure(0, null);
            _states.Remove(gone);
        }
        // The fallback level gets the share the mandatory catch-all would (5 of the sum); it neither lends nor borrows.
        var sum = levels.Values.Sum(SeatAllocation.Shares) + (levels.ContainsKey("catch-all") ? 0 : 5);
        Fallback.Queues!.Reconfigure(Math.Max(1, (int)Math.Ceiling(serverConcurrencyLimit * 5.0 / Math.Max(sum, 1))), null);
        _current = new FlowControlConfiguration(followed.Of<FlowSchema>(KnownResources.FlowSchemas).ToList(), new Dictionary<string, PriorityLevelState>(_states, StringComparer.Ordinal));
    }
}
