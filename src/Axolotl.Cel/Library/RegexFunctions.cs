using Axolotl.Cel.Costs;
using System.Text.RegularExpressions;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>
/// <c>matches</c> and Kubernetes' regex library (find, findAll). Patterns run on .NET's non-backtracking engine, which
/// like RE2 is linear in the input, so a hostile pattern cannot stall the server.
/// </summary>
internal static class RegexFunctions
{
    public static void Register(Dictionary<string, CelFunction> g, Dictionary<string, CelFunction> m)
    {
        m["matches"] = (a, s) => a is [string x, string p] ? Run(s, x, p, r => r.IsMatch(x)) : CelError.NoSuchOverload("matches");
        g["matches"] = m["matches"];
        m["find"] = (a, s) => a is [string x, string p] ? Run(s, x, p, r => r.Match(x) is { Success: true } mt ? mt.Value : "") : CelError.NoSuchOverload("find");
        m["findAll"] = (a, s) => a switch
        {
            [string x, string p] => Run(s, x, p, r => All(r, x, long.MaxValue)),
            [string x, string p, long n] => Run(s, x, p, r => All(r, x, n)),
            _ => CelError.NoSuchOverload("findAll"),
        };
    }

    private static object All(Regex r, string x, long n) =>
        n < 0 ? All(r, x, long.MaxValue) : r.Matches(x).Take((int)Math.Min(n, int.MaxValue)).Select(mt => (object)mt.Value).ToList();

    private static object Run(EvalState s, string input, string pattern, Func<Regex, object> f)
    {
        if (!s.Regexes.TryGetValue(pattern, out var regex))
        {
            try
            {
                regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                return new CelError($"invalid regex: {pattern}: {e.Message}");
            }

            s.Regexes[pattern] = regex;
        }

        return f(regex);
    }
}
