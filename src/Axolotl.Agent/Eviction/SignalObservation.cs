using Axolotl.Api.Resources;

namespace Axolotl.Agent.Eviction;

/// <summary>What a signal measured: how much is available out of its capacity, and when.</summary>
public sealed record SignalObservation(Quantity Available, Quantity Capacity, DateTimeOffset Time);
