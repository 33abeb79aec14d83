namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Accepts or refuses a request (throws the refusal as an ApiException); may add warnings. Runs on the
/// admitted object, after every mutating plugin and the kind's validation.
/// </summary>
public interface IValidatingAdmissionPlugin : IAdmissionPlugin
{
    Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct);
}
