namespace Axolotl.Agent.Logs;

/// <summary>The query of a pods/log request (kubectl logs flags), as core/v1 PodLogOptions.</summary>
public sealed record LogReadOptions
{
    /// <summary>The instance before the current one (--previous).</summary>
    public bool Previous { get; init; }

    /// <summary>Keep streaming until the instance ends or the caller cancels (-f).</summary>
    public bool Follow { get; init; }

    /// <summary>Only the last N lines (--tail); null or negative means all.</summary>
    public long? TailLines { get; init; }

    /// <summary>Only lines at or after this time (--since / --since-time).</summary>
    public DateTimeOffset? SinceTime { get; init; }

    /// <summary>Prefix each line with its RFC3339Nano timestamp (--timestamps).</summary>
    public bool Timestamps { get; init; }

    /// <summary>Stop after this many bytes (--limit-bytes).</summary>
    public long? LimitBytes { get; init; }
}

/// <summary>The requested log does not exist (no such instance, or no previous instance).</summary>
public sealed class LogNotFoundException(string message) : Exception(message);
