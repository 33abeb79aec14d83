using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// allOf, anyOf, oneOf and not with kube-openapi's semantics and wording. Their own failures ("\"spec\" must validate
/// one and only one schema (oneOf). Found none valid") carry no field: kube-apiserver turns them into field errors at
/// a nil path, so they read "&lt;nil&gt;: Invalid value: \"\": …". Beside them: every allOf branch's errors, and for an
/// anyOf or oneOf without exactly one passing branch the errors of the failing branch that got furthest.
/// </summary>
internal static class JunctorValidator
{
    private static readonly FieldPath NilPath = FieldPath.FromString("<nil>");

    public static SchemaResult Validate(JsonSchemaProps schema, JsonNode value, FieldPath path)
    {
        var result = new SchemaResult();
        if (schema.AnyOf.Count > 0)
        {
            AnyOf(schema.AnyOf, value, path, result);
        }
        if (schema.OneOf.Count > 0)
        {
            OneOf(schema.OneOf, value, path, result);
        }
        if (schema.AllOf.Count > 0)
        {
            AllOf(schema.AllOf, value, path, result);
        }
        if (schema.Not is { } not && SchemaValidator.ValidateNode(not, value, path).IsValid)
        {
            result.Add(Failure(path, "must not validate the schema (not)"));
        }
        result.Inc();
        return result;
    }

    private static void AnyOf(IReadOnlyList<JsonSchemaProps> branches, JsonNode value, FieldPath path, SchemaResult result)
    {
        SchemaResult? best = null;
        SchemaResult? passed = null;
        foreach (var branch in branches)
        {
            var outcome = SchemaValidator.ValidateNode(branch, value, path);
            if (outcome.IsValid)
            {
                passed = outcome;
                best = null;
                break;
            }
            if (best is null || outcome.MatchCount > best.MatchCount)
            {
                best = outcome;
            }
        }
        if (passed is null)
        {
            result.Add(Failure(path, "must validate at least one schema (anyOf)"));
        }
        result.Merge(best ?? passed!);
    }

    private static void OneOf(IReadOnlyList<JsonSchemaProps> branches, JsonNode value, FieldPath path, SchemaResult result)
    {
        SchemaResult? best = null;
        SchemaResult? firstPassed = null;
        var passed = 0;
        foreach (var branch in branches)
        {
            var outcome = SchemaValidator.ValidateNode(branch, value, path);
            if (outcome.IsValid)
            {
                passed++;
                best = null;
                firstPassed ??= outcome;
                continue;
            }
            if (passed == 0 && (best is null || outcome.MatchCount > best.MatchCount))
            {
                best = outcome;
            }
        }
        if (passed == 1)
        {
            result.Merge(firstPassed!);
            return;
        }
        result.Add(Failure(path, "must validate one and only one schema (oneOf). " + (passed == 0 ? "Found none valid" : $"Found {passed} valid alternatives")));
        if (best is not null)
        {
            result.Merge(best);
        }
    }

    private static void AllOf(IReadOnlyList<JsonSchemaProps> branches, JsonNode value, FieldPath path, SchemaResult result)
    {
        var passed = 0;
        foreach (var branch in branches)
        {
            var outcome = SchemaValidator.ValidateNode(branch, value, path);
            passed += outcome.IsValid ? 1 : 0;
            result.Merge(outcome);
        }
        if (passed != branches.Count)
        {
            result.Add(Failure(path, "must validate all the schemas (allOf)" + (passed == 0 ? ". None validated" : "")));
        }
    }

    private static FieldError Failure(FieldPath path, string what) => FieldError.Invalid(NilPath, "", $"{GoValue.Quote(path.ToString())} {what}");
}
