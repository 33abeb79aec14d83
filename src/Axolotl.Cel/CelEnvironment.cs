using Axolotl.Cel.Checking;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;

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

    private readonly Dictionary<string, CelDeclType> _declared;
    private readonly bool _allMacros = true;

    private CelEnvironment(IEnumerable<KeyValuePair<string, CelDeclType>> variables) =>
        _declared = new Dictionary<string, CelDeclType>(variables, StringComparer.Ordinal);

    private CelEnvironment(CelEnvironment other, bool allMacros)
    {
        _declared = other._declared;
        _allMacros = allMacros;
    }

    /// <summary>
    /// This environment as kube-apiserver 1.32 compiles a new expression (at its compatibility version, 1.31): the
    /// standard macros and optMap only, so <c>all(i, v, …)</c>, <c>transformList</c>, <c>transformMap</c>, three-argument
    /// <c>exists_one</c>/<c>existsOne</c> (1.32, stored expressions only) and <c>cel.bind</c> (never enabled) are refused as
    /// undeclared. Stored expressions keep every macro.
    /// </summary>
    public CelEnvironment ForNewExpressions() => new(this, allMacros: false);

    /// <summary>Variables of unknown type (<c>dyn</c>): anything may be selected from them and is checked when it runs.</summary>
    public static CelEnvironment Create(params string[] variables) => Create(variables.Select(v => KeyValuePair.Create(v, CelDeclType.Dyn)));

    /// <summary>Variables of declared types; an object type's fields are all it has ("undefined field" otherwise).</summary>
    public static CelEnvironment Create(IEnumerable<KeyValuePair<string, CelDeclType>> variables) => new(variables);

    /// <summary>The environment of <c>x-kubernetes-validations</c> rules when nothing is known of the schema.</summary>
    public static CelEnvironment ForCustomResourceRules() => Create("self", "oldSelf");

    /// <summary>
    /// The environment of the rules of one schema node: <c>self</c> and <c>oldSelf</c> of the node's declared type (see
    /// <c>CelDeclType</c>), <c>oldSelf</c> an optional of it for a rule with optionalOldSelf, as kube-apiserver declares them.
    /// </summary>
    public static CelEnvironment ForCustomResourceRules(CelDeclType self, bool optionalOldSelf) =>
        Create([KeyValuePair.Create("self", self), KeyValuePair.Create("oldSelf", optionalOldSelf ? CelDeclType.Optional(self) : self)]);

    /// <summary>The environment of ValidatingAdmissionPolicy and webhook matchConditions, every variable dyn.</summary>
    public static CelEnvironment ForAdmission() => Create("object", "oldObject", "request", "params", "namespaceObject", "variables");

    public IReadOnlySet<string> Variables => _declared.Keys.ToHashSet(StringComparer.Ordinal);

    public CelCompileResult Compile(string expression)
    {
        if (expression.Length > MaxExpressionLength)
        {
            return CelCompileResult.Failed($"compilation failed: expression is longer than {MaxExpressionLength} characters");
        }

        try
        {
            var checkedAst = new Checker(_declared).Check(Parser.Parse(expression, _allMacros));
            return CelCompileResult.Compiled(new CelProgram(expression, checkedAst), checkedAst.TypeOf(checkedAst.Tree));
        }
        catch (CelSyntaxException e)
        {
            return CelCompileResult.Failed("compilation failed: " + Describe(expression, e.Position, e.Message));
        }
        catch (CelCheckException e)
        {
            return CelCompileResult.Failed("compilation failed: " + string.Join("\n", e.Errors.Select(x => Describe(expression, x.Position, x.Message))));
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
