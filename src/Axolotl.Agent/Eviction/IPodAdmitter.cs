using Axolotl.Api.Core;

namespace Axolotl.Agent.Eviction;

/// <summary>Decides whether the node takes a pod it has been given (the kubelet's pod admit handlers).</summary>
public interface IPodAdmitter
{
    /// <returns>Null when admitted; else the reason and message the pod fails with.</returns>
    PodRejection? Admit(Pod pod);
}

/// <summary>Why a pod was refused: status.reason and the message (the status says "Pod was rejected: " before it).</summary>
public sealed record PodRejection(string Reason, string Message);
