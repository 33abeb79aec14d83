namespace Axolotl.Agent.Restart;

/// <summary>The pod restartPolicy rules, as the kubelet applies them to regular and init containers.</summary>
public static class RestartPolicies
{
    public const string Always = "Always";
    public const string OnFailure = "OnFailure";
    public const string Never = "Never";

    /// <summary>
    /// Whether an exited container is started again. Regular containers: Always restarts every exit,
    /// OnFailure only non-zero exits, Never none. Init containers never re-run after success, and
    /// on failure are retried unless the pod's policy is Never (Always acts as OnFailure for them).
    /// </summary>
    public static bool ShouldRestart(string? restartPolicy, int exitCode, bool isInitContainer = false)
    {
        var policy = string.IsNullOrEmpty(restartPolicy) ? Always : restartPolicy;
        if (isInitContainer)
        {
            return exitCode != 0 && policy != Never;
        }

        return policy switch
        {
            Never => false,
            OnFailure => exitCode != 0,
            _ => true,
        };
    }
}
