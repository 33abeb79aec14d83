using System.Text;

namespace Axolotl.E2E.Tests.NetworkPolicies.Matrix;

/// <summary>One pod of the matrix: namespace x, y or z, name a, b or c, the lab host it runs on and its address.</summary>
public sealed record MatrixPod(string Namespace, string Name, int Host, string Ip)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>What a probe connects to: a pod's port, a pod's port through its ClusterIP Service, or a port of the remote host.</summary>
public sealed record MatrixTarget(string Label, string Address, int Port, MatrixPod? Pod, bool ThroughService)
{
    /// <summary>The pod's own name written by its server: what a probe that got through reads back.</summary>
    public string Answer => Pod?.ToString() ?? "remote-" + Address;
}

/// <summary>
/// Upstream's netpol truth table (test/e2e/network/netpol/reachability.go) in our own form: for every client pod and
/// every target, whether a TCP connection is expected to get through. Printed as upstream prints it: one row per
/// client, "." for connected, "X" for blocked, and a comparison grid where "X" marks a cell that differs.
/// </summary>
public sealed class Reachability(IReadOnlyList<MatrixPod> clients, IReadOnlyList<MatrixTarget> targets)
{
    private readonly Dictionary<(string, string), bool> _cells = [];

    public IReadOnlyList<MatrixPod> Clients => clients;

    public IReadOnlyList<MatrixTarget> Targets => targets;

    /// <summary>The probes a matrix runs: every pair, but a pod through its own Service (what hairpin traffic looks like is left to the plugin upstream too).</summary>
    public static bool Probed(MatrixPod client, MatrixTarget target) => !(target.ThroughService && target.Pod == client);

    public static Reachability Expect(IReadOnlyList<MatrixPod> clients, IReadOnlyList<MatrixTarget> targets, Func<MatrixPod, MatrixTarget, bool> allowed)
    {
        var table = new Reachability(clients, targets);
        foreach (var client in clients)
        {
            foreach (var target in targets.Where(t => Probed(client, t)))
            {
                // A pod reaches itself over its loopback whatever the policies say.
                table[client, target] = target.Pod == client && !target.ThroughService || allowed(client, target);
            }
        }
        return table;
    }

    public bool this[MatrixPod client, MatrixTarget target]
    {
        get => _cells[(client.ToString(), target.Label)];
        set => _cells[(client.ToString(), target.Label)] = value;
    }

    public int Count => _cells.Count;

    public IReadOnlyList<string> Differences(Reachability observed) =>
    [
        .. _cells.Where(c => !observed._cells.TryGetValue(c.Key, out var seen) || seen != c.Value)
            .Select(c => $"{c.Key.Item1} → {c.Key.Item2}: expected {(c.Value ? "connected" : "blocked")}"),
    ];

    /// <summary>Expected, observed and the comparison, as upstream's failure message shows them.</summary>
    public string Report(Reachability observed) =>
        $"expected:\n{Grid(c => Mark(this, c))}\nobserved:\n{Grid(c => Mark(observed, c))}\ncomparison (X: differs):\n" +
        Grid(c => !_cells.TryGetValue(c, out var want) ? "-" : observed._cells.TryGetValue(c, out var seen) && seen == want ? "." : "X");

    private static string Mark(Reachability table, (string, string) cell) => !table._cells.TryGetValue(cell, out var ok) ? "-" : ok ? "." : "X";

    private string Grid(Func<(string, string), string> mark)
    {
        var width = Math.Max(6, targets.Max(t => t.Label.Length) + 1);
        var text = new StringBuilder();
        text.Append("-".PadRight(8));
        foreach (var target in targets)
        {
            text.Append(target.Label.PadRight(width));
        }
        text.Append('\n');
        foreach (var client in clients)
        {
            text.Append(client.ToString().PadRight(8));
            foreach (var target in targets)
            {
                text.Append(mark((client.ToString(), target.Label)).PadRight(width));
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
