using Axolotl.Client;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>Recognises the refusal to create objects in a namespace that is being deleted.</summary>
internal static class NamespaceTermination
{
    /// <summary>
    /// Upstream marks it with the NamespaceTerminating cause; the message is checked too, for servers
    /// that only say it in words.
    /// </summary>
    public static bool Is(KubeApiException e) =>
        e.Status.Details?.Causes?.Any(c => c.Type == "NamespaceTerminating") == true ||
        (e.Code == 403 && e.Message.Contains("because it is being terminated", StringComparison.Ordinal));
}
