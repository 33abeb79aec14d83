using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Changes the object of a create or update. Runs after decoding and defaulting, before the kind's
/// validation (as upstream's mutating admission sees the decoded, defaulted object).
/// </summary>
public interface IMutatingAdmissionPlugin : IAdmissionPlugin
{
    /// <param name="attributes">The request; its <see cref="AdmissionAttributes.Object"/> is the body as sent.</param>
    /// <param name="obj">The decoded, defaulted object, changed in place.</param>
    Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct);
}
