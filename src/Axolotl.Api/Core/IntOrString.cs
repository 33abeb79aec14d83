using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>
/// intstr.IntOrString: a JSON number or a JSON string, such as a port (8080 or "http") or a
/// rollout budget (1 or "25%"). Which one the client sent is kept so it is written back the same way.
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
[Description("A value that is either an integer or a string, such as 8080, \"http\" or \"25%\".")]
public readonly struct IntOrString : IEquatable<IntOrString>
{
    private readonly string? _string;

    private IntOrString(int intValue, string? stringValue)
    {
        IntValue = intValue;
        _string = stringValue;
    }

    public static IntOrString FromInt(int value) => new(value, null);

    public static IntOrString FromString(string value) => new(0, value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator IntOrString(int value) => FromInt(value);

    public static implicit operator IntOrString(string value) => FromString(value);

    public bool IsInt => _string is null;

    public bool IsString => _string is not null;

    /// <summary>The integer form; 0 when this holds a string.</summary>
    public int IntValue { get; }

    /// <summary>The string form; "" when this holds an integer.</summary>
    public string StringValue => _string ?? "";

    /// <summary>An integer, or a string that spells one (e.g. "8080"); upstream's IntValue() parses strings the same way.</summary>
    public bool TryGetInt(out int value)
    {
        if (IsInt)
        {
            value = IntValue;
            return true;
        }
        return int.TryParse(_string, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public bool IsPercent => _string is { Length: > 1 } s && s[^1] == '%' &&
        s[..^1].All(char.IsAsciiDigit);

    /// <summary>
    /// Resolves an absolute value or a percentage of total (upstream GetScaledValueFromIntOrPercent),
    /// rounding a percentage up or down as asked.
    /// </summary>
    public int GetScaledValue(int total, bool roundUp)
    {
        if (IsInt)
        {
            return IntValue;
        }
        if (!IsPercent || !int.TryParse(StringValue.AsSpan(0, StringValue.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            throw new FormatException($"invalid value for IntOrString: invalid value \"{StringValue}\": must be an integer or a percentage");
        }
        var scaled = (long)percent * total;
        return (int)(roundUp ? (scaled + 99) / 100 : scaled / 100);
    }

    public bool Equals(IntOrString other) => IsInt ? other.IsInt && IntValue == other.IntValue : _string == other._string;

    public override bool Equals(object? obj) => obj is IntOrString other && Equals(other);

    public override int GetHashCode() => IsInt ? IntValue.GetHashCode() : StringComparer.Ordinal.GetHashCode(_string!);

    public static bool operator ==(IntOrString left, IntOrString right) => left.Equals(right);

    public static bool operator !=(IntOrString left, IntOrString right) => !left.Equals(right);

    public override string ToString() => IsInt ? IntValue.ToString(CultureInfo.InvariantCulture) : _string!;
}
