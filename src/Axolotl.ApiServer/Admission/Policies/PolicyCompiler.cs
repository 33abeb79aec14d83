using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Admission.Matching;
using Axolotl.Cel;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// Compiles a ValidatingAdmissionPolicy's expressions as kube-apiserver does when the policy is written: over
/// <c>object</c>, <c>oldObject</c>, <c>request</c>, <c>namespaceObject</c>, <c>params</c> (only with a paramKind) and
/// <c>variables</c> (a variable may read only those declared before it; reading another is cel-go's "undefined field").
/// matchConditions see no <c>variables</c>. The <c>authorizer</c> variable is not offered, so an expression that uses it
/// does not compile. Like upstream's admission compiler this does not refuse a policy by its estimated cost (nothing
/// bounds the size of the objects it reads); the per-expression limit and the request's budget stop it at runtime.
/// </summary>
public static class PolicyCompiler
{
    private static readonly string[] Base = ["object", "oldObject", "request", "namespaceObject"];

    /// <summary>The compile errors of a policy, each at its field, for the 422 of its write.</summary>
    public static List<FieldError> Validate(ValidatingAdmissionPolicy policy)
    {
        var errors = new List<FieldError>();
        Compile(policy, (path, expression, error) => errors.Add(FieldError.Invalid(path, expression, error)));
        return errors;
    }

    public static CompiledPolicy Compile(ValidatingAdmissionPolicy policy)
    {
        string? firstError = null;
        var result = Compile(policy, (path, _, error) => firstError ??= $"{path}: {error}");
        return result with { ConfigurationError = firstError };
    }

    private static CompiledPolicy Compile(ValidatingAdmissionPolicy policy, Action<FieldPath, string, string> onError)
    {
        var spec = policy.Spec ?? new ValidatingAdmissionPolicySpec();
        var path = FieldPath.Of("spec");
        var hasParams = spec.ParamKind is not null;
        string[] declared = hasParams ? [.. Base, "params", "variables"] : [.. Base, "variables"];
        var conditionEnvironment = CelEnvironment.Create(hasParams ? [.. Base, "params"] : Base);
        var conditions = spec.MatchConditions ?? [];
        for (var i = 0; i < conditions.Count; i++)
        {
            CompileOne(conditionEnvironment, conditions[i].Expression, path.Child("matchConditions").Index(i).Child("expression"), onError);
        }
        var variables = new List<(string, CelProgram)>();
        var names = new List<string>();
        var specVariables = spec.Variables ?? [];
        for (var i = 0; i < specVariables.Count; i++)
        {
            var environment = Environment(declared, [.. names]);
            if (CompileOne(environment, specVariables[i].Expression, path.Child("variables").Index(i).Child("expression"), onError) is { } program)
            {
                variables.Add((specVariables[i].Name, program));
            }
            names.Add(specVariables[i].Name);
        }
        var all = Environment(declared, [.. names]);
        var validations = new List<CompiledValidation>();
        var specValidations = spec.Validations ?? [];
        for (var i = 0; i < specValidations.Count; i++)
        {
            var validation = specValidations[i];
            var at = path.Child("validations").Index(i);
            var program = CompileOne(all, validation.Expression, at.Child("expression"), onError);
            var message = validation.MessageExpression is { } text && text.Trim().Length > 0
                ? CompileOne(all, text, at.Child("messageExpression"), onError)
                : null;
            if (program is not null)
            {
                validations.Add(new CompiledValidation(validation, program, message));
            }
        }
        return new CompiledPolicy(policy, CompiledMatchConditions.Compile(conditionEnvironment, conditions), variables, validations, null);
    }

    private static CelEnvironment Environment(string[] declared, HashSet<string> variableNames) =>
        CelEnvironment.Create(declared, (selectedFrom, field) =>
            selectedFrom is ["variables"] && !variableNames.Contains(field) ? $"undefined field '{field}'" : null);

    private static CelProgram? CompileOne(CelEnvironment environment, string expression, FieldPath path, Action<FieldPath, string, string> onError)
    {
        if (expression.Trim().Length == 0)
        {
            // Required, and refused as such by the API's validation.
            return null;
        }
        var result = environment.Compile(expression);
        if (result.Success)
        {
            return result.Program;
        }
        onError(path, expression, result.Error!);
        return null;
    }
}
