using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Admission.Matching;
using Axolotl.Cel;
using Axolotl.Cel.Types;

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
    // object, oldObject and params are dyn; request and namespaceObject have upstream's declared types.
    private static readonly KeyValuePair<string, CelDeclType>[] Base =
    [
        new("object", CelDeclType.Dyn), new("oldObject", CelDeclType.Dyn),
        new("request", AdmissionCelTypes.Request), new("namespaceObject", AdmissionCelTypes.Namespace),
    ];

    /// <summary>
    /// The compile errors of a policy, each at its field, for the 422 of its write. An expression <paramref name="old"/>
    /// (the policy being updated) already had compiles as a stored expression, any other as a new one (kube-apiserver's
    /// compatibility environment, <see cref="CelEnvironment.ForNewExpressions"/>), as upstream's preexisting expressions.
    /// </summary>
    public static List<FieldError> Validate(ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicy? old = null)
    {
        var errors = new List<FieldError>();
        var stored = old is null ? [] : Expressions(old).ToHashSet(StringComparer.Ordinal);
        Compile(policy, resultTypes: true, (path, expression, error) => errors.Add(FieldError.Invalid(path, expression, error)), stored);
        return errors;
    }

    private static IEnumerable<string> Expressions(ValidatingAdmissionPolicy policy)
    {
        var spec = policy.Spec ?? new ValidatingAdmissionPolicySpec();
        foreach (var c in spec.MatchConditions ?? [])
        {
            yield return c.Expression;
        }
        foreach (var v in spec.Variables ?? [])
        {
            yield return v.Expression;
        }
        foreach (var v in spec.Validations ?? [])
        {
            yield return v.Expression;
            if (v.MessageExpression is { } message)
            {
                yield return message;
            }
        }
    }

    public static CompiledPolicy Compile(ValidatingAdmissionPolicy policy)
    {
        string? firstError = null;
        // A stored policy is not held to the result types: one written before this server checked them keeps working, and
        // a validation that yields no bool is an evaluation error.
        var result = Compile(policy, resultTypes: false, (path, _, error) => firstError ??= $"{path}: {error}");
        return result with { ConfigurationError = firstError };
    }

    // stored: the expressions compiled as stored ones, the rest as new ones; null: all stored (a policy in effect).
    private static CompiledPolicy Compile(ValidatingAdmissionPolicy policy, bool resultTypes, Action<FieldPath, string, string> onError,
        IReadOnlySet<string>? stored = null)
    {
        CelCompileResult CompileOne(CelEnvironment environment, string expression, CelDeclType? expected, FieldPath at, Action<FieldPath, string, string> report) =>
            PolicyCompiler.CompileOne(stored is null || stored.Contains(expression) ? environment : environment.ForNewExpressions(), expression, expected, at, report);
        CelDeclType? Expect(CelDeclType type) => resultTypes ? type : null;
        var spec = policy.Spec ?? new ValidatingAdmissionPolicySpec();
        var path = FieldPath.Of("spec");
        var hasParams = spec.ParamKind is not null;
        KeyValuePair<string, CelDeclType>[] declared = hasParams ? [.. Base, new("params", CelDeclType.Dyn)] : Base;
        var conditionEnvironment = CelEnvironment.Create(declared);
        var conditions = spec.MatchConditions ?? [];
        for (var i = 0; i < conditions.Count; i++)
        {
            CompileOne(conditionEnvironment, conditions[i].Expression, Expect(CelDeclType.Bool), path.Child("matchConditions").Index(i).Child("expression"), onError);
        }
        var variables = new List<(string, CelProgram)>();
        // Each variable is a field of `variables` typed by its expression (upstream's composition environment); a
        // variable may read only those declared before it.
        var fields = new Dictionary<string, CelDeclType>(StringComparer.Ordinal);
        var specVariables = spec.Variables ?? [];
        for (var i = 0; i < specVariables.Count; i++)
        {
            var environment = Environment(declared, fields);
            var compiled = CompileOne(environment, specVariables[i].Expression, null, path.Child("variables").Index(i).Child("expression"), onError);
            if (compiled.Program is { } program)
            {
                variables.Add((specVariables[i].Name, program));
            }
            fields[specVariables[i].Name] = compiled.ResultType ?? CelDeclType.Dyn;
        }
        var all = Environment(declared, fields);
        var validations = new List<CompiledValidation>();
        var specValidations = spec.Validations ?? [];
        for (var i = 0; i < specValidations.Count; i++)
        {
            var validation = specValidations[i];
            var at = path.Child("validations").Index(i);
            var program = CompileOne(all, validation.Expression, Expect(CelDeclType.Bool), at.Child("expression"), onError).Program;
            var message = validation.MessageExpression is { } text && text.Trim().Length > 0
                ? CompileOne(all, text, Expect(CelDeclType.String), at.Child("messageExpression"), onError).Program
                : null;
            if (program is not null)
            {
                validations.Add(new CompiledValidation(validation, program, message));
            }
        }
        return new CompiledPolicy(policy, CompiledMatchConditions.Compile(conditionEnvironment, conditions), variables, validations, null);
    }

    private static CelEnvironment Environment(KeyValuePair<string, CelDeclType>[] declared, Dictionary<string, CelDeclType> variables) =>
        CelEnvironment.Create([.. declared, new("variables", CelDeclType.Object("kubernetes.variables", new Dictionary<string, CelDeclType>(variables, StringComparer.Ordinal)))]);

    // The program and its type, or null and the error reported at path; expected is the type the result must have (null: any).
    private static CelCompileResult CompileOne(CelEnvironment environment, string expression, CelDeclType? expected, FieldPath path, Action<FieldPath, string, string> onError)
    {
        if (expression.Trim().Length == 0)
        {
            // Required, and refused as such by the API's validation.
            return new CelCompileResult(null, null);
        }
        var result = environment.Compile(expression);
        var error = result.Error ?? (expected is null ? null : AdmissionCelTypes.ResultError(result.ResultType, expected));
        if (error is null)
        {
            return result;
        }
        onError(path, expression, error);
        return new CelCompileResult(null, error);
    }
}
