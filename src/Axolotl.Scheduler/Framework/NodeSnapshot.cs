using System.Collections;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// The nodes one scheduling cycle judges, in name order, with what upstream's snapshot keeps beside them: how many
/// nodes hold each image (ImageLocality spreads an image's weight by it). Made by the scheduler's cache, which
/// counts image holders as Node objects change instead of every cycle looking at every node's images.
/// </summary>
public sealed class NodeSnapshot : IReadOnlyList<NodeInfo>
{
    private readonly IReadOnlyList<NodeInfo> _nodes;
    private readonly IReadOnlyDictionary<string, int> _imageHolders;

    public NodeSnapshot(IReadOnlyList<NodeInfo> nodesByName, IReadOnlyDictionary<string, int> imageHolders)
    {
        _nodes = nodesByName;
        _imageHolders = imageHolders;
    }

    public int Count => _nodes.Count;

    public NodeInfo this[int index] => _nodes[index];

    /// <summary>How many of the nodes list <paramref name="image"/> (any of its names) in status.images.</summary>
    public int NodesHolding(string image) => _imageHolders.GetValueOrDefault(image);

    /// <summary>How many of <paramref name="nodes"/> hold <paramref name="image"/>: the snapshot's count, or a scan of a plain list.</summary>
    public static int NodesHolding(IReadOnlyList<NodeInfo> nodes, string image) =>
        nodes is NodeSnapshot snapshot ? snapshot.NodesHolding(image) : nodes.Count(n => n.ImageSizes.ContainsKey(image));

    public IEnumerator<NodeInfo> GetEnumerator() => _nodes.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
