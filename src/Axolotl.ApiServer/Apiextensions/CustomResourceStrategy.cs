using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Structural;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Apiextensions.Rules;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// The API rules of a custom resource, in kube-apiserver's order: prune what the schema does not declare
/// (reported to fieldValidation), apply the schema's defaults, then validate metadata, the schema and its
/// CEL rules (x-kubernetes-validations). The rules run unless the schema found an error that would make them
/// misjudge (upstream's hasBlockingErr). An update ratchets (CRDValidationRatcheting): errors about values it left
/// unchanged are dropped (the schema's) or become warnings (the rules'), through one <see cref="CorrelatedObject"/>.
/// A write through the status subresource validates only status, against the status schema, as upstream does.
/// With a scale subresource the replicas and selector at its paths are checked too (<see cref="ScaleValidation"/>).
/// The x-kubernetes-list-type invariants (<see cref="ListTypeValidator"/>) are checked on the whole object.
/// </summary>
public static class CustomResourceStrategy
{
    /// <summary>Prunes and defaults <paramref name="body"/> in place; returns the pruned fields ("spec.foo").</summary>
    public static IReadOnlyList<string> PruneAndDefault(ResourceType type, JsonObject body)
    {
        var shape = type.Custom ?? throw new ArgumentException($"{type.QualifiedResource} is not a custom resource", nameof(type));
        var pruned = SchemaPruner.Prune(shape.Schema, body);
        SchemaDefaulter.Apply(shape.Schema, body);
        return pruned;
    }

    /// <summary>
    /// The errors of a write; <paramref name="old"/> is the stored object on an update, and <paramref name="warnings"/>
    /// receives the rule failures that ratcheted.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(ResourceType type, KubeObject typed, KubeObject? old, JsonObject body,
        string? subresource = null, ICollection<string>? warnings = null)
    {
        var shape = type.Custom ?? throw new ArgumentException($"{type.QualifiedResource} is not a custom resource", nameof(type));
        var errors = GenericMetadataValidation.Validate(typed.Metadata, old?.Metadata, type.Namespaced);
        var oldBody = old is null ? null : KubeJson.ToNode(old, type.ClrType);
        var update = oldBody is null ? null : new CorrelatedObject(body, oldBody, shape.Schema);
        if (subresource == "status" && update is not null)
        {
            if (body.TryGetPropertyValue("status", out var status) && shape.Schema.Properties.TryGetValue("status", out var statusSchema))
            {
                errors.AddRange(SchemaValidator.ValidateStatus(statusSchema, status, update.Key("status")));
            }
            if (shape.Scale is { } statusScale)
            {
                errors.AddRange(ScaleValidation.ValidateStatus(statusScale, body));
            }
        }
        else
        {
            errors.AddRange(SchemaValidator.Validate(shape.Schema, body, update));
            if (shape.Scale is { } scale)
            {
                errors.AddRange(ScaleValidation.ValidateSpec(scale, body));
                errors.AddRange(ScaleValidation.ValidateStatus(scale, body));
            }
        }
        // Duplicates in sets and map lists ratchet for the whole object: an update may keep the ones already stored.
        errors.AddRange(oldBody is null ? ListTypeValidator.Validate(shape.Schema, body) : ListTypeValidator.ValidateUpdate(shape.Schema, body, oldBody));
        var rules = RuleValidator.For(shape.Schema);
        if (errors.Any(Blocks))
        {
            if (!rules.IsEmpty)
            {
                errors.Add(FieldError.Invalid(FieldPath.FromString("<nil>"), "null",
                    "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
            }
        }
        else if (!rules.IsEmpty)
        {
            errors.AddRange(RuleEvaluation.Validate(rules, body, oldBody, update, warnings));
        }
        if (update is not null)
        {
            RatchetingMetrics.Observe(update.Duration);
        }
        return errors;
    }

    // The kinds of error after which the rules would see a value of the wrong shape (upstream's hasBlockingErr).
    private static bool Blocks(FieldError error) => error.Reason is FieldError.NotSupportedReason or FieldError.RequiredReason
        or FieldError.TooLongReason or FieldError.TooManyReason or FieldError.TypeInvalidReason;
}
