namespace Axolotl.Api.Serialization;

/// <summary>metav1.MicroTime: RFC 3339 with microseconds, e.g. 2025-01-01T00:00:00.000000Z (Lease, Event.eventTime).</summary>
public sealed class KubeMicroTimeConverter() : KubeTimeConverter("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
