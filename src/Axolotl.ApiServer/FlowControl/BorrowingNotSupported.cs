using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Says so when a PriorityLevelConfiguration asks for borrowing: lendablePercent above 0 or a
/// borrowingLimitPercent are validated and stored as upstream does, but this server does not move seats
/// between levels, so each level runs at its nominal limit. A warning (kubectl prints it), not a refusal:
/// upstream's own bootstrap levels set lendablePercent, and objects written for kube-apiserver must still apply.
/// </summary>
public sealed class BorrowingNotSupported : IValidatingAdmissionPlugin
{
    public string Name => "FlowControlBorrowing";

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct)
    {
        if (attributes.Type != KnownResources.PriorityLevelConfigurations || attributes.Subresource is not null
            || attributes.Operation is not (AdmissionOperation.Create or AdmissionOperation.Update) || attributes.Object is not { } level)
        {
            return Task.CompletedTask;
        }
        var spec = level["spec"]?["limited"] ?? level["spec"]?["exempt"];
        var field = level["spec"]?["limited"] is null ? "spec.exempt" : "spec.limited";
        if (spec?["lendablePercent"]?.GetValue<int>() is > 0)
        {
            attributes.Warnings.Add($"{field}.lendablePercent: this server does not lend seats between priority levels; the level runs at its nominal limit");
        }
        if (spec?["borrowingLimitPercent"] is not null)
        {
            attributes.Warnings.Add($"{field}.borrowingLimitPercent: this server does not borrow seats between priority levels; the level runs at its nominal limit");
        }
        return Task.CompletedTask;
    }
}
