using Axolotl.Api.FlowControl;

namespace Axolotl.Api.Defaulting;

/// <summary>flowcontrol.apiserver.k8s.io/v1 defaults (upstream's v1 defaults.go): precedence 1000, 30 shares, 64 queues of 50 dealt in hands of 8.</summary>
public static class FlowControlDefaults
{
    public const int MatchingPrecedence = 1000;
    public const int LimitedShares = 30;
    public const int Queues = 64;
    public const int HandSize = 8;
    public const int QueueLengthLimit = 50;

    public static void ApplyFlowSchema(FlowSchema schema)
    {
        var spec = schema.Spec ??= new();
        if (spec.MatchingPrecedence is null or 0)
        {
            spec.MatchingPrecedence = MatchingPrecedence;
        }
    }

    public static void ApplyPriorityLevel(PriorityLevelConfiguration level)
    {
        var spec = level.Spec ??= new();
        if (spec.Limited is { } limited)
        {
            limited.NominalConcurrencyShares ??= LimitedShares;
            limited.LendablePercent ??= 0;
            if (limited.LimitResponse is { Type: LimitResponse.TypeQueue } response)
            {
                var queuing = response.Queuing ??= new();
                queuing.Queues = queuing.Queues is null or 0 ? Queues : queuing.Queues;
                queuing.HandSize = queuing.HandSize is null or 0 ? HandSize : queuing.HandSize;
                queuing.QueueLengthLimit = queuing.QueueLengthLimit is null or 0 ? QueueLengthLimit : queuing.QueueLengthLimit;
            }
        }
        if (spec.Exempt is { } exempt)
        {
            exempt.NominalConcurrencyShares ??= 0;
            exempt.LendablePercent ??= 0;
        }
        else if (spec.Type == PriorityLevelConfigurationSpec.TypeExempt)
        {
            spec.Exempt = new ExemptPriorityLevelConfiguration { NominalConcurrencyShares = 0, LendablePercent = 0 };
        }
    }
}
