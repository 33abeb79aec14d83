namespace Axolotl.Client.Queue;

/// <summary>Decides how long a key waits before it is retried.</summary>
public interface IRateLimiter<in T>
{
    /// <summary>The delay for this retry (each call counts as one more failure).</summary>
    TimeSpan When(T item);

    /// <summary>The key succeeded: reset its history.</summary>
    void Forget(T item);

    int NumRequeues(T item);
}
