using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>
/// Kubernetes' format library as 1.32 has it (enabled at 1.31): <c>format.&lt;name&gt;()</c> for each named format,
/// <c>format.named(name)</c> (optional.none for an unknown name) and <c>&lt;format&gt;.validate(s)</c>, which is
/// optional.none when <c>s</c> passes and else the list of upstream's messages. Each format carries the regex size
/// kube-apiserver prices its validate() with.
/// </summary>
internal static class FormatFunctions
{
    // Sizes as upstream's ConstantFormats: len(govalidator.URL) 1103, len(strfmt.UUIDPattern) 70,
    // len(govalidator.Base64) 84, len(strfmt.DateTimePattern) 71.
    private static readonly Dictionary<string, CelNamedFormat> Formats = new CelNamedFormat[]
    {
        new("dns1123Label", 30, s => NamedFormats.DnsLabel(s, prefix: false)),
        new("dns1123Subdomain", 60, s => NamedFormats.DnsSubdomain(s, prefix: false)),
        new("dns1035Label", 30, s => NamedFormats.Dns1035(s, prefix: false)),
        new("qualifiedName", 60, NamedFormats.QualifiedName),
        new("dns1123LabelPrefix", 30, s => NamedFormats.DnsLabel(s, prefix: true)),
        new("dns1123SubdomainPrefix", 60, s => NamedFormats.DnsSubdomain(s, prefix: true)),
        new("dns1035LabelPrefix", 30, s => NamedFormats.Dns1035(s, prefix: true)),
        new("labelValue", 40, NamedFormats.LabelValue),
        new("uri", 1103, NamedFormats.Uri),
        new("uuid", 70, NamedFormats.IsUuid),
        new("byte", 84, NamedFormats.IsByte),
        new("date", 71, NamedFormats.IsDate),
        new("datetime", 71, NamedFormats.IsDateTime),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static void Register(Dictionary<string, CelFunction> g, Dictionary<string, CelFunction> m)
    {
        foreach (var (name, format) in Formats)
        {
            g["format." + name] = (a, _) => a.Length == 0 ? format : CelError.NoSuchOverload("format." + name);
        }
        g["format.named"] = (a, _) => a is [string name]
            ? Formats.TryGetValue(name, out var format) ? CelOptional.Of(format) : CelOptional.None
            : CelError.NoSuchOverload("format.named");
        m["validate"] = (a, _) => a is [CelNamedFormat format, string value]
            ? format.Validate(value) is { Count: > 0 } errors ? CelOptional.Of(errors.Cast<object>().ToList()) : CelOptional.None
            : CelError.NoSuchOverload("validate");
    }
}
