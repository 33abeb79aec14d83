using Axolotl.Cel.Checking;
using Axolotl.Cel.Syntax;

namespace Axolotl.Cel;

/// <summary>
/// Declares the variables an expression may use and compiles expressions against them. One environment per use:
/// CRD rules see <c>self</c>/<c>oldSelf</c>; webhook matchConditions and ValidatingAdmissionPolicy see
/// <c>object</c>, <c>oldObject</c>, <c>request</c>, <c>params</c>, <c>namespaceObject</c>, <c>variables</c>.
/// </summary>
public sealed class CelEnvironment
{
    /// <summary>kube-apiserver rejects longer expressions before compiling them; we do the same to bound parse work.</summary>
    public const int MaxExpressionLength = 100_000;

    private readonly HashSet<string> _declared;
    private readonly Func<IReadOnlyList<string>, string, string?>? _fieldCheck;

    private CelEnvironment(IEnumerable<string> variables, Func<IReadOnlyList<string>, string, string?>? fieldCheck = null)
    {
        _declared = new HashSet<string>(variables, StringComparer.Ordinal);
        _fieldCheck = fieldCheck;
    }

    public static CelEnvironment Create(params string[] variables) => new(variables);

    /// <summary>The environment of <c>x-kubernetes-validations</c> rules.</summary>
    public static CelEnvironment ForCustomResourceRules() => new(["self", "oldSelf"]);

    /// <summary>
    /// The same with field selections checked against the schema: <paramref name="fieldCheck"/> gets the path of the
    /// value selected from (<c>["self", "spec"]</c>, <c>@items</c>/<c>@values</c> for what a macro iterates) and the field
    /// name, and returns a compile error such as "undefined field 'x'", or null to accept it.
    /// </summary>
    public static CelEnvironment ForCustomResourceRules(Func<IReadOnlyList<string>, string, string?> fieldCheck) => new(["self", "oldSelf"], fieldCheck);

    /// <summary>The environment of ValidatingAdmissionPolicy and webhook matchConditions.</summary>
    public static CelEnvironment ForAdmission() => new(["object", "oldObject", "request", "params", "namespaceObject", "variables"]);

    /// <summary>
    /// An environment of the given variables whose field selections <paramref name="fieldCheck"/> judges (see
    /// <see cref="ForCustomResourceRules(Func{IReadOnlyList{string}, string, string?})"/>): a ValidatingAdmissionPolicy
    /// declares <c>params</c> only with a paramKind and lets an expression read only the variables declared before it.
    /// </summary>
    public static CelEnvironment Create(IEnumerable<string> variables, Func<IReadOnlyList<string>, string, string?> fieldCheck) => new(variables, fieldCheck);

    public IReadOnlySet<string> Variables => _declared;

    public CelCompileResult Compile(string expression)
    {
        if (expression.Length > MaxExpressionLength)
        {
            return CelCompileResult.Failed($"compilation failed: expression is longer than {MaxExpressionLength} characters");
        }

        try
        {
            var tree = new Checker(_declared).Check(Parser.Parse(expression));
            if (_fieldCheck is not null)
            {
                new FieldChecker(_declared, _fieldCheck).Check(tree);
            }
            return CelCompileResult.Compiled(new CelProgram(expression, tree));
        }
        catch (CelSyntaxException e)
        {
            return CelCompileResult.Failed("compilation failed: " + Describe(expression, e.Position, e.Message));
        }
        catch (InsufficientExecutionStackException)
        {
            return CelCompileResult.Failed("compilation failed: expression too deeply nested");
        }
    }

    // The layout of cel-go's error text, which kube-apiserver returns verbatim: location, message, source line, caret.
    private static string Describe(string source, int position, string message)
    {
        position = Math.Clamp(position, 0, source.Length);
        var lineStart = source.LastIndexOf('\n', Math.Max(position - 1, 0)) + 1;
        if (position == 0)
        {
            lineStart = 0;
        }

        var line = source.Take(position).Count(c => c == '\n') + 1;
        var column = position - lineStart + 1;
        var lineEnd = source.IndexOf('\n', lineStart);
        var text = lineEnd < 0 ? source[lineStart..] : source[lineStart..lineEnd];
        return $"ERROR: <input>:{line}:{column}: {message}\n | {text}\n | {new string('.', column - 1)}^";
    }
}
