using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>Judges the pod once per cycle, before any node: a failure makes every node fail with its reason (upstream's PreFilter).</summary>
public interface IPreFilterPlugin
{
    string Name { get; }

    FilterResult PreFilter(Pod pod);
}
