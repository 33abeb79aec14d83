using Axolotl.Api.FlowControl;

namespace Axolotl.Api.Validation;

/// <summary>PriorityLevelConfiguration rules: Exempt or Limited, shares and percentages, Queue or Reject and the queuing bounds.</summary>
public static partial class FlowControlValidation
{
    public static List<FieldError> ValidatePriorityLevel(PriorityLevelConfiguration level, PriorityLevelConfiguration? old)
    {
        var errors = Meta(level.Metadata, old?.Metadata);
        var name = level.Metadata.Name ?? "";
        var spec = level.Spec ?? new PriorityLevelConfigurationSpec();
        if ((name == PriorityLevelConfiguration.Exempt) != (spec.Type == PriorityLevelConfigurationSpec.TypeExempt))
        {
            errors.Add(FieldError.Invalid(Spec.Child("type"), spec.Type, "type must be 'Exempt' if and only if name is 'exempt'"));
        }
        switch (spec.Type)
        {
            case PriorityLevelConfigurationSpec.TypeExempt:
                if (spec.Limited is not null)
                {
                    errors.Add(FieldError.Forbidden(Spec.Child("limited"), "must be nil if the type is not Limited"));
                }
                if (spec.Exempt is { } exempt)
                {
                    errors.AddRange(Shares(exempt.NominalConcurrencyShares, exempt.LendablePercent, Spec.Child("exempt")));
                }
                break;
            case PriorityLevelConfigurationSpec.TypeLimited:
                if (spec.Exempt is not null)
                {
                    errors.Add(FieldError.Forbidden(Spec.Child("exempt"), "must be nil if the type is Limited"));
                }
                if (spec.Limited is not { } limited)
                {
                    errors.Add(FieldError.Required(Spec.Child("limited"), "must not be empty when type is Limited"));
                    break;
                }
                errors.AddRange(Limited(limited, Spec.Child("limited")));
                break;
            default:
                errors.Add(FieldError.NotSupported(Spec.Child("type"), spec.Type, LevelTypes));
                break;
        }
        if (FlowControlBootstrap.MandatoryPriorityLevels.FirstOrDefault(m => m.Metadata.Name == name) is { } mandatory && !SameSpec(spec, mandatory.Spec))
        {
            errors.Add(FieldError.Invalid(Spec, null, "") with { Message = $"Invalid value: spec of '{name}' must equal the fixed value" });
        }
        errors.AddRange(Conditions(level.Status?.Conditions));
        return errors;
    }

    private static IEnumerable<FieldError> Shares(int? shares, int? lendable, FieldPath path)
    {
        if (shares is < 0)
        {
            yield return FieldError.Invalid(path.Child("nominalConcurrencyShares"), shares, "must be a non-negative integer");
        }
        if (lendable is < 0 or > 100)
        {
            yield return FieldError.Invalid(path.Child("lendablePercent"), lendable, "must be between 0 and 100, inclusive");
        }
    }

    private static IEnumerable<FieldError> Limited(LimitedPriorityLevelConfiguration limited, FieldPath path)
    {
        foreach (var e in Shares(limited.NominalConcurrencyShares, limited.LendablePercent, path))
        {
            yield return e;
        }
        if (limited.BorrowingLimitPercent is < 0)
        {
            yield return FieldError.Invalid(path.Child("borrowingLimitPercent"), limited.BorrowingLimitPercent, "if specified, must be a non-negative integer");
        }
        var response = limited.LimitResponse ?? new LimitResponse();
        var responsePath = path.Child("limitResponse");
        switch (response.Type)
        {
            case LimitResponse.TypeReject:
                if (response.Queuing is not null)
                {
                    yield return FieldError.Forbidden(responsePath.Child("queuing"), "must be nil if limited.limitResponse.type is not Limited");
                }
                break;
            case LimitResponse.TypeQueue:
                if (response.Queuing is not { } queuing)
                {
                    yield return FieldError.Required(responsePath.Child("queuing"), "must not be empty if limited.limitResponse.type is Limited");
                    break;
                }
                foreach (var e in Queuing(queuing, responsePath.Child("queuing")))
                {
                    yield return e;
                }
                break;
            default:
                yield return FieldError.NotSupported(responsePath.Child("type"), response.Type, ResponseTypes);
                break;
        }
    }

    private static IEnumerable<FieldError> Queuing(QueuingConfiguration queuing, FieldPath path)
    {
        var limit = queuing.QueueLengthLimit ?? 0;
        var queues = queuing.Queues ?? 0;
        var hand = queuing.HandSize ?? 0;
        if (limit <= 0)
        {
            yield return FieldError.Invalid(path.Child("queueLengthLimit"), limit, "must be positive");
        }
        if (queues <= 0)
        {
            yield return FieldError.Invalid(path.Child("queues"), queues, "must be positive");
        }
        else if (queues > MaxQueues)
        {
            yield return FieldError.Invalid(path.Child("queues"), queues, $"must not be greater than {MaxQueues}");
        }
        if (hand <= 0)
        {
            yield return FieldError.Invalid(path.Child("handSize"), hand, "must be positive");
        }
        else if (hand > queues)
        {
            yield return FieldError.Invalid(path.Child("handSize"), hand, $"should not be greater than queues ({queues})");
        }
        else if (RequiredEntropyBits(queues, hand) > MaxHashBits)
        {
            yield return FieldError.Invalid(path.Child("handSize"), hand, $"required entropy bits of deckSize {queues} and handSize {hand} should not be greater than {MaxHashBits}");
        }
    }

    /// <summary>The bits of hash needed to deal a hand of handSize from deckSize cards: ceil(handSize × log2(deckSize)).</summary>
    public static int RequiredEntropyBits(int deckSize, int handSize) => (int)Math.Ceiling(Math.Log2(deckSize) * handSize);
}
