using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Changes the object of a create or update. Runs after decoding and defaulting, before the kind's
/// validation (as upstream's mutating admission sees the decoded, defaulted object).
/// </summary>
public interface IMutatingAdmissionPlugin : IAdmissionPlugin
{
    /// <summary>
    /// Whether <see cref="AdmitAsync"/> may change this request's object (upstream's Handles, narrowed to the kinds and
    /// subresources the plugin looks at). The chain calls only the plugins that handle a request; when none does, the
    /// object leaves admission as it was defaulted and is not encoded again. True whenever in doubt.
    /// </summary>
    bool Handles(AdmissionAttributes attributes);

    /// <param name="attributes">The request; its <see cref="AdmissionAttributes.Object"/> is the body as sent.</param>
    /// <param name="obj">The decoded, defaulted object, changed in place.</param>
    Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct);
}
