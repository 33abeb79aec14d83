using Axolotl.Api.FlowControl;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Keeps <see cref="Current"/> in step with the stored FlowSchemas and PriorityLevelConfigurations
/// (a <see cref="StoreReflector"/> per kind, as the RBAC cache does), so `kubectl edit` of either takes
/// effect while the server runs. Each change recomputes every level's nominal seats and swaps in a new
/// snapshot; a level that stays keeps its <see cref="QueueSet"/>, so requests waiting in it stay queued.
/// Until the first lists arrive, and whenever catch-all is missing, requests that match nothing go to a
/// built-in catch-all level, as upstream falls back to its mandatory object.
/// </summary>
public sealed partial class FlowControlConfigCache(ObjectStore objects, int serverConcurrencyLimit, TimeProvider clock, ILogger<FlowControlConfigCache> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FlowSchema> _schemas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PriorityLevelConfiguration> _levels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PriorityLevelState> _states = new(StringComparer.Ordinal);
    private volatile FlowControlConfiguration _current = FlowControlConfiguration.Empty;

    public int ServerConcurrencyLimit => serverConcurrencyLimit;

    public FlowControlConfiguration Current => _current;

    /// <summary>The level requests go to when no schema matches: the mandatory catch-all's spec, one flow.</summary>
    public PriorityLevelState Fallback { get; } = new("catch-all", "", new QueueSet(1, null));

    /// <summary>Called after every rebuild (the Dangling status writer listens).</summary>
    public event Action<FlowControlConfiguration>? Changed;

    public async Task StartAsync(CancellationToken stopping)
    {
        var reflectors = new[]
        {
            Reflector(KnownResources.PriorityLevelConfigurations, _levels),
            Reflector(KnownResources.FlowSchemas, _schemas),
        };
        foreach (var reflector in reflectors)
        {
            _ = Task.Run(() => reflector.RunAsync(stopping), stopping);
        }
        await Task.WhenAll(reflectors.Select(r => r.Synced)).WaitAsync(stopping);
    }

    private StoreReflector Reflector<T>(ResourceType kind, Dictionary<string, T> map) where T : KubeObject =>
        new(objects.Store, $"flow control ({kind.Plural})",
            list =>
            {
                lock (_lock)
                {
                    map.Clear();
                    foreach (var entry in list.Items)
                    {
                        if (Decode<T>(kind, entry) is { } obj)
                        {
                            map[entry.Key] = obj;
                        }
                    }
                    Rebuild();
                }
            },
            change =>
            {
                lock (_lock)
                {
                    if (change.Type == StoreEventType.Deleted)
                    {
                        map.Remove(change.Entry.Key);
                    }
                    else if (Decode<T>(kind, change.Entry) is { } obj)
                    {
                        map[change.Entry.Key] = obj;
                    }
                    Rebuild();
                }
            }, clock, logger)
        {
            ListPrefix = ObjectStore.Prefix(kind, null),
        };

    /// <summary>Replaces the objects directly (tests).</summary>
    public void Load(IEnumerable<FlowSchema> schemas, IEnumerable<PriorityLevelConfiguration> levels)
    {
        lock (_lock)
        {
            _schemas.Clear();
            _levels.Clear();
            foreach (var schema in schemas)
            {
                _schemas[schema.Metadata.Name ?? ""] = schema;
            }
            foreach (var level in levels)
            {
                _levels[level.Metadata.Name ?? ""] = level;
            }
            Rebuild();
        }
    }

    private void Rebuild()
    {
        var levels = _levels.Values.GroupBy(l => l.Metadata.Name ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var limits = SeatAllocation.NominalLimits(levels.Values, serverConcurrencyLimit);
        foreach (var (name, level) in levels)
        {
            var exempt = level.Spec?.Type == PriorityLevelConfigurationSpec.TypeExempt;
            var queuing = PriorityLevelState.QueuingOf(level);
            if (!_states.TryGetValue(name, out var state))
            {
                _states[name] = state = new PriorityLevelState(name, level.Metadata.Uid ?? "", exempt ? null : new QueueSet(limits[name], queuing));
            }
            else if (exempt)
            {
                state.Queues = null;
            }
            else if (state.Queues is null)
            {
                state.Queues = new QueueSet(limits[name], queuing);
            }
            else
            {
                state.Queues.Reconfigure(limits[name], queuing);
            }
            state.Uid = level.Metadata.Uid ?? "";
        }
        foreach (var gone in _states.Keys.Where(k => !levels.ContainsKey(k)).ToList())
        {
            // Requests still waiting there are refused: the level they were queued for no longer exists.
            _states[gone].Queues?.Reconfigure(0, null);
            _states.Remove(gone);
        }
        // The fallback level gets the share the mandatory catch-all would (5 of the sum).
        var sum = levels.Values.Sum(SeatAllocation.Shares) + (levels.ContainsKey("catch-all") ? 0 : 5);
        Fallback.Queues!.Reconfigure(Math.Max(1, (int)Math.Ceiling(serverConcurrencyLimit * 5.0 / Math.Max(sum, 1))), null);
        _current = new FlowControlConfiguration(_schemas.Values.ToList(), new Dictionary<string, PriorityLevelState>(_states, StringComparer.Ordinal));
        Changed?.Invoke(_current);
    }

    private T? Decode<T>(ResourceType kind, StoreEntry entry) where T : KubeObject
    {
        try
        {
            return KubeJson.FromNode(ObjectStore.Decode(entry).Object, kind.ClrType) as T;
        }
        catch (System.Text.Json.JsonException e)
        {
            LogUndecodable(logger, e, entry.Key);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "flow control: cannot decode {Key}; it is left out")]
    private static partial void LogUndecodable(ILogger logger, Exception e, string key);
}
