using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// A mutating plugin that answers with a new object instead of changing the one it is given: a mutating
/// webhook's JSON patch applies to the object's JSON, which decodes (and is defaulted) into a new typed
/// object. The chain calls <see cref="AdmitReplacingAsync"/> instead of AdmitAsync and goes on with what it returns.
/// </summary>
public interface IReplacingAdmissionPlugin : IMutatingAdmissionPlugin
{
    Task<KubeObject> AdmitReplacingAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct);
}
