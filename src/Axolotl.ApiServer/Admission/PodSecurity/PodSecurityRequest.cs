using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// One write as the plugin sees it (upstream's admission attributes): the admitted object (defaults
/// applied, name generated) and, for updates, the stored one; who asked; which subresource.
/// </summary>
public sealed record PodSecurityRequest(
    ResourceType Type,
    string? Namespace,
    string Name,
    string? Subresource,
    string? UserName,
    JsonObject Object,
    JsonObject? OldObject)
{
    public bool IsCreate => OldObject is null;

    /// <summary><see cref="OldObject"/> as the admission chain already decoded it, when at hand (saves a decode per update).</summary>
    public KubeObject? DecodedOldObject { get; init; }
}
