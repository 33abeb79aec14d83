using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>Decides whether a pod may run on a node. Filters run in order and the first failure decides.</summary>
public interface IFilterPlugin
{
    string Name { get; }

    FilterResult Filter(Pod pod, NodeInfo node);
}
