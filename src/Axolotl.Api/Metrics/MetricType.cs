namespace Axolotl.Api.Metrics;

/// <summary>The exposition's TYPE of a family.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
