using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Selectors;

/// <summary>
/// A parsed label selector (upstream's labels.Selector): requirements ANDed together, sorted by key.
/// Build it from the query-string form (<see cref="Parse"/>), from a metav1.LabelSelector (<see cref="FromJson"/>,
/// <see cref="FromModel(Core.LabelSelector)"/>) or from a plain label set (<see cref="FromSet"/>). <see cref="ToString"/> gives the
/// canonical text (Scale's status.selector, describe's "Selector:").
/// </summary>
public sealed class ParsedLabelSelector
{
    private readonly LabelRequirement[] _requirements;

    private ParsedLabelSelector(LabelRequirement[] requirements, bool matchesNothing)
    {
        _requirements = requirements;
        MatchesNothing = matchesNothing;
    }

    /// <summary>The empty selector: matches every object.</summary>
    public static ParsedLabelSelector Everything { get; } = new([], matchesNothing: false);

    /// <summary>Matches no object (what a missing metav1.LabelSelector means).</summary>
    public static ParsedLabelSelector Nothing { get; } = new([], matchesNothing: true);

    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    /// <summary>True for a selector without requirements, which matches everything.</summary>
    public bool IsEmpty => !MatchesNothing && _requirements.Length == 0;

    /// <summary>True only for <see cref="Nothing"/>.</summary>
    public bool MatchesNothing { get; }

    /// <summary>Parses the query-string form, e.g. <c>app=web,tier in (fe,be),!canary</c>. Empty text is <see cref="Everything"/>.</summary>
    /// <exception cref="FormatException">The text is invalid; the message is upstream's (the API server returns it as 400 BadRequest).</exception>
    public static ParsedLabelSelector Parse(string? text)
    {
        var requirements = LabelSelectorParser.Parse(text ?? "");
        return FromRequirements(requirements);
    }

    public static bool TryParse(string? text, out ParsedLabelSelector selector)
    {
        try
        {
            selector = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            selector = Nothing;
            return false;
        }
    }

    /// <summary>Requires every label of the set (no validation, like upstream's SelectorFromValidatedSet). Null or empty is <see cref="Everything"/>.</summary>
    public static ParsedLabelSelector FromSet(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return Everything;
        }
        return FromRequirements(labels.Select(p => new LabelRequirement(p.Key, SelectionOperator.Equals, [p.Value])));
    }

    public static ParsedLabelSelector FromRequirements(IEnumerable<LabelRequirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var sorted = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
        return sorted.Length == 0 ? Everything : new ParsedLabelSelector(sorted, matchesNothing: false);
    }

    /// <summary>
    /// Converts a metav1.LabelSelector (<c>{"matchLabels":{…},"matchExpressions":[{"key","operator","values"}]}</c>) like
    /// upstream's LabelSelectorAsSelector: null is <see cref="Nothing"/>, an empty selector is <see cref="Everything"/>.
    /// </summary>
    /// <exception cref="FormatException">An invalid key, value, operator or value count.</exception>
    public static ParsedLabelSelector FromJson(JsonNode? selector)
    {
        if (selector is null || selector.GetValueKind() == JsonValueKind.Null)
        {
            return Nothing;
        }
        if (selector is not JsonObject obj)
        {
            throw new FormatException($"invalid label selector: expected an object, got {selector.ToJsonString()}");
        }

        var requirements = new List<LabelRequirement>();
        if (obj["matchLabels"] is { } matchLabels && matchLabels.GetValueKind() != JsonValueKind.Null)
        {
            if (matchLabels is not JsonObject labels)
            {
                throw new FormatException("invalid label selector: matchLabels must be an object");
            }
            foreach (var (key, value) in labels)
            {
                requirements.Add(LabelRequirement.Create(key, SelectionOperator.Equals, [RequireString(value, "matchLabels")]));
            }
        }
        if (obj["matchExpressions"] is { } matchExpressions && matchExpressions.GetValueKind() != JsonValueKind.Null)
        {
            if (matchExpressions is not JsonArray expressions)
            {
                throw new FormatException("invalid label selector: matchExpressions must be a list");
            }
            foreach (var expression in expressions)
            {
                requirements.Add(FromExpression(expression));
            }
        }
        return FromRequirements(requirements);
    }

    /// <summary>Converts the typed metav1.LabelSelector like <see cref="FromJson"/>: null is <see cref="Nothing"/>.</summary>
    /// <exception cref="FormatException">An invalid key, value, operator or value count.</exception>
    public static ParsedLabelSelector FromModel(Core.LabelSelector? selector)
    {
        if (selector is null)
        {
            return Nothing;
        }
        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in selector.MatchLabels ?? [])
        {
            requirements.Add(LabelRequirement.Create(key, SelectionOperator.Equals, [value]));
        }
        foreach (var expression in selector.MatchExpressions ?? [])
        {
            requirements.Add(FromExpression(expression.Key, expression.Operator, expression.Values is { Count: > 0 } values ? values : null));
        }
        return FromRequirements(requirements);
    }

    /// <summary>
    /// Converts any other model that serializes to the metav1.LabelSelector JSON shape, via <see cref="FromJson"/>.
    /// </summary>
    public static ParsedLabelSelector FromModel<T>(T? selector)
        where T : class =>
        selector is null ? Nothing : FromJson(KubeJson.ToNode(selector));

    /// <summary>True if every requirement holds for these labels (a missing map counts as no labels).</summary>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        if (MatchesNothing)
        {
            return false;
        }
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>If the selector pins <paramref name="key"/> to one value (=, == or a one-value in), that value.</summary>
    public bool TryGetExactMatch(string key, out string value)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.Key != key)
            {
                continue;
            }
            if (requirement.Operator is SelectionOperator.Equals or SelectionOperator.DoubleEquals or SelectionOperator.In &&
                requirement.Values.Count == 1)
            {
                value = requirement.Values[0];
                return true;
            }
            break;
        }
        value = "";
        return false;
    }

    /// <summary>A selector with these requirements added (still sorted by key).</summary>
    public ParsedLabelSelector Add(params LabelRequirement[] requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        return MatchesNothing ? this : FromRequirements(_requirements.Concat(requirements));
    }

    /// <summary>Upstream's canonical text, e.g. <c>app=web,tier in (be,fe)</c>; empty for <see cref="Everything"/> and <see cref="Nothing"/>.</summary>
    public override string ToString() => string.Join(",", _requirements.Select(r => r.ToString()));

    private static LabelRequirement FromExpression(JsonNode? expression)
    {
        if (expression is not JsonObject obj)
        {
            throw new FormatException("invalid label selector: each of matchExpressions must be an object");
        }
        var key = obj["key"] is { } keyNode ? RequireString(keyNode, "matchExpressions.key") : "";
        var operatorText = obj["operator"] is { } operatorNode ? RequireString(operatorNode, "matchExpressions.operator") : "";
        List<string>? values = null;
        if (obj["values"] is JsonArray array && array.Count > 0)
        {
            values = array.Select(v => RequireString(v, "matchExpressions.values")).ToList();
        }
        else if (obj["values"] is { } other && other.GetValueKind() is not (JsonValueKind.Null or JsonValueKind.Array))
        {
            throw new FormatException("invalid label selector: matchExpressions.values must be a list");
        }
        return FromExpression(key, operatorText, values);
    }

    // Empty values arrive as null, as Go's append([]string(nil), values...) leaves them; it shows in the error text.
    private static LabelRequirement FromExpression(string key, string operatorText, IReadOnlyList<string>? values)
    {
        var op = operatorText switch
        {
            "In" => SelectionOperator.In,
            "NotIn" => SelectionOperator.NotIn,
            "Exists" => SelectionOperator.Exists,
            "DoesNotExist" => SelectionOperator.DoesNotExist,
            _ => throw new FormatException($"{GoValue.Quote(operatorText)} is not a valid label selector operator"),
        };
        return LabelRequirement.Create(key, op, values);
    }

    private static string RequireString(JsonNode? node, string where) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new FormatException($"invalid label selector: {where} must hold strings");
}
