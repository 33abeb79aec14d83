using System.Globalization;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.PortForward;

/// <summary>
/// The <c>ports</c> query parameter of a WebSocket port-forward (PodPortForwardOptions.ports): repeated
/// and/or comma-separated numbers, each a port 1–65535, in the order their channel pairs are numbered.
/// Errors carry the kubelet's wording, which is what a client sees from Kubernetes.
/// </summary>
public static class PortForwardPorts
{
    public const string QueryKey = "ports";

    /// <summary>
    /// Ports one WebSocket may carry: the highest channel (2·n−1) must still fit the frame's one
    /// channel byte, and in the base64 protocol the one character '0' + channel.
    /// </summary>
    public const int MaxPorts = 100;

    public static IReadOnlyList<int> Parse(IReadOnlyList<string?> values)
    {
        if (values.Count == 0)
        {
            throw ApiErrors.BadRequest($"query parameter \"{QueryKey}\" is required");
        }
        var ports = new List<int>();
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                throw ApiErrors.BadRequest($"query parameter \"{QueryKey}\" cannot be empty");
            }
            foreach (var part in value.Split(','))
            {
                if (!uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    var reason = part.Length > 0 && part.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
                    throw ApiErrors.BadRequest($"unable to parse \"{value}\" as a port: strconv.ParseUint: parsing \"{part}\": {reason}");
                }
                if (port > ushort.MaxValue)
                {
                    throw ApiErrors.BadRequest($"unable to parse \"{value}\" as a port: strconv.ParseUint: parsing \"{part}\": value out of range");
                }
                if (port < 1)
                {
                    throw ApiErrors.BadRequest($"port \"{value}\" must be > 0");
                }
                ports.Add((int)port);
            }
        }
        if (ports.Count > MaxPorts)
        {
            throw ApiErrors.BadRequest($"too many ports: {ports.Count} (at most {MaxPorts} per connection)");
        }
        return ports;
    }
}
