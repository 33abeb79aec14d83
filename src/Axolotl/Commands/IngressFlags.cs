using System.Globalization;
using Axolotl.Agent;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Commands;

/// <summary>
/// `--ingress-http-port` (default 80) and `--ingress-https-port` (default 443) of the node's Ingress
/// controller; 0 turns that port off, both 0 turn the controller off. A port already taken is a warning
/// at start, not a failed start.
/// </summary>
public static class IngressFlags
{
    /// <summary>The controller's options, or null when both ports are off.</summary>
    /// <param name="secretsByName">Read TLS Secrets one by one (a joined node's identity), not through an informer of all.</param>
    public static IngressOptions? Options(CommandLine args, NodeAgent agent, bool secretsByName = false)
    {
        var (http, https) = Ports(args);
        if (http == 0 && https == 0)
        {
            return null;
        }
        return new IngressOptions
        {
            NodeName = agent.Options.NodeName,
            StatusAddress = agent.Context.HostIp,
            HttpPort = http,
            HttpsPort = https,
            InformerInitialBackoff = agent.Options.ApiRetryInitialBackoff,
            InformerMaxBackoff = agent.Options.ApiRetryMaxBackoff,
            ReadSecretsByName = secretsByName,
        };
    }

    /// <summary>The two ports, defaults filled in; 0 is off.</summary>
    public static (int Http, int Https) Ports(CommandLine args) => (Port(args, "ingress-http-port", 80), Port(args, "ingress-https-port", 443));

    private static int Port(CommandLine args, string name, int fallback)
    {
        var text = args.Get(name);
        if (text is null)
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new ArgumentException($"invalid --{name} \"{text}\": want a port from 0 (off) to 65535");
    }
}
