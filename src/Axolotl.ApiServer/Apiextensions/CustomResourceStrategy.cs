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
/// CEL rules (x-kubernetes-validations; those run only when the schema is satisfied, as upstream). A write
/// through the status subresource is validated the same way; the spec/status split itself is the update
/// handler's, as for built-ins.
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

    public static IReadOnlyList<FieldError> Validate(ResourceType type, KubeObject typed, KubeObject? old, JsonObject body)
    {
        var shape = type.Custom ?? throw new ArgumentException($"{type.QualifiedResource} is not a custom resource", nameof(type));
        var errors = GenericMetadataValidation.Validate(typed.Metadata, old?.Metadata, type.Namespaced);
        errors.AddRange(SchemaValidator.Validate(shape.Schema, body));
        if (errors.Count == 0)
        {
            var oldBody = old is null ? null : KubeJson.ToNode(old, type.ClrType);
            errors.AddRange(RuleEvaluation.Validate(RuleValidator.For(shape.Schema), body, oldBody));
        }
        return errors;
    }
}
