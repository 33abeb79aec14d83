namespace Axolotl.Hosting;

/// <summary>What a <see cref="BackgroundLoop"/> does when its body throws. Chosen explicitly per loop.</summary>
public enum LoopFailurePolicy
{
    /// <summary>Log, wait (doubling from InitialBackoff to MaxBackoff), and run the body again.</summary>
    RestartWithBackoff,

    /// <summary>Log and fault <see cref="BackgroundLoop.Completion"/> so the host can stop the process.</summary>
    FailFast,
}
