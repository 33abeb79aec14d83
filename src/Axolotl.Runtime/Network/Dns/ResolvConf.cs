namespace Axolotl.Runtime.Network.Dns;

/// <summary>
/// A resolv.conf as the kubelet reads the node's (its --resolv-conf): every "nameserver", the last
/// "search" line, and every "options" entry; comments and other keywords are skipped.
/// </summary>
public sealed record ResolvConf(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options)
{
    public const string DefaultPath = "/etc/resolv.conf";

    /// <summary>What systemd-resolved writes with the real upstream servers, behind its 127.0.0.53 stub.</summary>
    public const string SystemdResolvedUpstream = "/run/systemd/resolve/resolv.conf";

    public const string SystemdStub = "127.0.0.53";

    public static ResolvConf Empty { get; } = new([], [], []);

    public static ResolvConf Parse(string text)
    {
        var nameservers = new List<string>();
        IReadOnlyList<string> searches = [];
        var options = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var words = raw.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0].StartsWith('#') || words[0].StartsWith(';'))
            {
                continue;
            }
            switch (words[0])
            {
                case "nameserver" when words.Length > 1:
                    nameservers.Add(words[1]);
                    break;
                case "search":
                    // The last one counts, as in glibc and the kubelet.
                    searches = [.. words.Skip(1).Select(w => w.TrimEnd('.')).Where(w => w.Length > 0)];
                    break;
                case "options":
                    options.AddRange(words.Skip(1));
                    break;
            }
        }
        return new ResolvConf(nameservers, searches, options);
    }

    /// <summary>
    /// The node's resolver configuration from <paramref name="path"/> ("" = none, as the kubelet's
    /// --resolv-conf=""). A file naming only systemd-resolved's stub (reachable from the host alone,
    /// never from a pod or through a forwarder that must not loop back into it) is replaced by the
    /// file where resolved lists its real upstream servers, as kubeadm configures the kubelet.
    /// </summary>
    public static ResolvConf Load(string path, string systemdUpstream = SystemdResolvedUpstream)
    {
        if (path.Length == 0)
        {
            return Empty;
        }
        var conf = Parse(File.ReadAllText(path));
        if (conf.Nameservers.Count > 0 && conf.Nameservers.All(n => n == SystemdStub) && File.Exists(systemdUpstream))
        {
            return Parse(File.ReadAllText(systemdUpstream));
        }
        return conf;
    }
}
