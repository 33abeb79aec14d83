using System.Globalization;
using System.Text;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Selectors;

/// <summary>One term of a label selector, e.g. <c>app=web</c>, <c>tier in (a,b)</c> or <c>!canary</c>.</summary>
public sealed class LabelRequirement
{
    private readonly string[] _values;

    internal LabelRequirement(string key, SelectionOperator op, string[] values)
    {
        Key = key;
        Operator = op;
        _values = values;
    }

    public string Key { get; }

    public SelectionOperator Operator { get; }

    /// <summary>The values as given (parsed selectors hold them sorted and without duplicates).</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>A validated requirement.</summary>
    /// <exception cref="FormatException">The key, the values or their number are invalid (upstream's message).</exception>
    public static LabelRequirement Create(string key, SelectionOperator op, IReadOnlyList<string>? values)
    {
        ArgumentNullException.ThrowIfNull(key);
        var errors = Validate(key, op, values, keyPath: "key");
        if (errors.Count > 0)
        {
            throw new FormatException(LabelValidation.Aggregate(errors));
        }
        return new LabelRequirement(key, op, values?.ToArray() ?? []);
    }

    /// <summary>Upstream's NewRequirement checks; <paramref name="keyPath"/> is "key", or "&lt;nil&gt;" from the parser.</summary>
    internal static List<string> Validate(string key, SelectionOperator op, IReadOnlyList<string>? values, string keyPath)
    {
        var errors = new List<string>();
        var keyErrors = NameRules.QualifiedName(key);
        if (keyErrors.Count > 0)
        {
            errors.Add(LabelValidation.Invalid(keyPath, GoValue.Quote(key), string.Join("; ", keyErrors)));
        }

        var count = values?.Count ?? 0;
        // Rendered only for an error: parsing a valid selector (the scheduler does for each pod) should not format its values.
        string Rendered() => GoValue.StringSlice(values);
        switch (op)
        {
            case SelectionOperator.In or SelectionOperator.NotIn when count == 0:
                errors.Add(LabelValidation.Invalid("values", Rendered(), "for 'in', 'notin' operators, values set can't be empty"));
                break;
            case SelectionOperator.Equals or SelectionOperator.DoubleEquals or SelectionOperator.NotEquals when count != 1:
                errors.Add(LabelValidation.Invalid("values", Rendered(), "exact-match compatibility requires one single value"));
                break;
            case SelectionOperator.Exists or SelectionOperator.DoesNotExist when count != 0:
                errors.Add(LabelValidation.Invalid("values", Rendered(), "values set must be empty for exists and does not exist"));
                break;
            case SelectionOperator.GreaterThan or SelectionOperator.LessThan:
                if (count != 1)
                {
                    errors.Add(LabelValidation.Invalid("values", Rendered(), "for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (var i = 0; i < count; i++)
                {
                    if (!TryParseInteger(values![i], out _))
                    {
                        errors.Add(LabelValidation.Invalid($"values[{i}]", GoValue.Quote(values[i]), "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }
                break;
        }

        for (var i = 0; i < count; i++)
        {
            var valueErrors = NameRules.LabelValue(values![i]);
            if (valueErrors.Count > 0)
            {
                errors.Add(LabelValidation.Invalid($"values[{i}][{key}]", GoValue.Quote(values[i]), string.Join("; ", valueErrors)));
            }
        }
        return errors;
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        switch (Operator)
        {
            case SelectionOperator.In or SelectionOperator.Equals or SelectionOperator.DoubleEquals:
                return has && HasValue(value!);
            case SelectionOperator.NotIn or SelectionOperator.NotEquals:
                return !has || !HasValue(value!);
            case SelectionOperator.Exists:
                return has;
            case SelectionOperator.DoesNotExist:
                return !has;
            case SelectionOperator.GreaterThan or SelectionOperator.LessThan:
                if (!has || _values.Length != 1 || !TryParseInteger(value!, out var actual) || !TryParseInteger(_values[0], out var bound))
                {
                    return false;
                }
                return Operator == SelectionOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    // A plain loop: Contains with a comparer took the generic IndexOf path, a tenth of a scheduling cycle that matches
    // pod affinity terms against thousands of pods.
    private bool HasValue(string value)
    {
        foreach (var candidate in _values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Upstream's canonical text: values of set terms sorted, e.g. <c>tier in (a,b)</c>, <c>!canary</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        if (Operator == SelectionOperator.DoesNotExist)
        {
            builder.Append('!');
        }
        builder.Append(Key);
        switch (Operator)
        {
            case SelectionOperator.Exists or SelectionOperator.DoesNotExist:
                return builder.ToString();
            case SelectionOperator.Equals:
                builder.Append('=');
                break;
            case SelectionOperator.DoubleEquals:
                builder.Append("==");
                break;
            case SelectionOperator.NotEquals:
                builder.Append("!=");
                break;
            case SelectionOperator.In:
                builder.Append(" in (");
                break;
            case SelectionOperator.NotIn:
                builder.Append(" notin (");
                break;
            case SelectionOperator.GreaterThan:
                builder.Append('>');
                break;
            case SelectionOperator.LessThan:
                builder.Append('<');
                break;
        }
        IEnumerable<string> values = _values.Length == 1 ? _values : _values.Order(StringComparer.Ordinal);
        builder.AppendJoin(',', values);
        if (Operator is SelectionOperator.In or SelectionOperator.NotIn)
        {
            builder.Append(')');
        }
        return builder.ToString();
    }

    // Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits only.
    private static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
