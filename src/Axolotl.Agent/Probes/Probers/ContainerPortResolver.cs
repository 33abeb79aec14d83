using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// A probe's port: a number, or the name of one of the container's ports, or a string that spells a
/// number (upstream's last-ditch Atoi). Errors use upstream's words (pkg/probe ResolveContainerPort).
/// </summary>
internal static class ContainerPortResolver
{
    public static bool TryResolve(IntOrString param, Container container, out int port, out string error)
    {
        error = "";
        port = 0;
        long number;
        if (param.IsInt)
        {
            number = param.IntValue;
        }
        else
        {
            var name = param.StringValue;
            var named = container.Ports?.FirstOrDefault(p => p.Name == name);
            if (named is not null)
            {
                number = named.ContainerPortNumber;
            }
            else if (!TryAtoi(name, out number, out error))
            {
                return false;
            }
        }

        if (number is > 0 and < 65536)
        {
            port = (int)number;
            return true;
        }

        error = "invalid port number: " + number.ToString(CultureInfo.InvariantCulture);
        return false;
    }

    // strconv.Atoi on a 64-bit node: optional sign, decimal digits only.
    private static bool TryAtoi(string text, out long value, out string error)
    {
        error = "";
        var digits = text.StartsWith('+') || text.StartsWith('-') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            value = 0;
            error = $"strconv.Atoi: parsing {GoValue.Quote(text)}: invalid syntax";
            return false;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            error = $"strconv.Atoi: parsing {GoValue.Quote(text)}: value out of range";
            return false;
        }

        return true;
    }
}
