using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>
/// Upstream's ImageLocality score: prefers nodes that already hold the pod's images (node
/// status.images, which the agent reports). Each image present counts its size scaled by the share of
/// nodes that hold it (an image everywhere does not pull pods to one node); the sum is clamped to
/// 23 MB … 1000 MB per container and mapped onto 0–100. Names match as upstream matches them: exactly,
/// after ":latest" is added to an untagged name (so "nginx" does not match "docker.io/library/nginx:latest").
/// </summary>
public sealed class ImageLocality : IScorePlugin
{
    private const long Mb = 1024 * 1024;
    private const long MinThreshold = 23 * Mb;
    private const long MaxContainerThreshold = 1000 * Mb;

    public string Name => "ImageLocality";

    public int Weight => 1;

    public IReadOnlyList<long> Score(Pod pod, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeInfo> allNodes)
    {
        var images = (pod.Spec?.InitContainers ?? []).Concat(pod.Spec?.Containers ?? []).Select(c => NormalizedImageName(c.Image ?? "")).ToList();
        var holders = images.Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, name => NodeSnapshot.NodesHolding(allNodes, name), StringComparer.Ordinal);
        var scores = new long[nodes.Count];
        if (holders.Values.All(n => n == 0))
        {
            // No node holds any of the pod's images (a cluster that pulls on demand): every node scores the same.
            Array.Fill(scores, Priority(0, images.Count));
            return scores;
        }
        for (var n = 0; n < nodes.Count; n++)
        {
            var sizes = nodes[n].ImageSizes;
            long sum = 0;
            foreach (var name in images)
            {
                if (sizes.TryGetValue(name, out var size))
                {
                    sum += (long)(size * ((double)holders[name] / allNodes.Count));
                }
            }
            scores[n] = Priority(sum, images.Count);
        }
        return scores;
    }

    /// <summary>Upstream's normalizedImageName: an image without a tag after its last '/' gets ":latest".</summary>
    public static string NormalizedImageName(string image) =>
        image.LastIndexOf(':') <= image.LastIndexOf('/') ? image + ":latest" : image;

    private static long Priority(long sum, int containers)
    {
        var max = MaxContainerThreshold * containers;
        var clamped = Math.Clamp(sum, MinThreshold, Math.Max(max, MinThreshold));
        return max <= MinThreshold ? 0 : IScorePlugin.MaxScore * (clamped - MinThreshold) / (max - MinThreshold);
    }
}
