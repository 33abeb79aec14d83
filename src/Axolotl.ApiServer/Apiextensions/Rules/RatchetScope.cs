using Axolotl.Api.Apiextensions.Structural;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Where the rules of one value look to decide whether a failure ratchets, as upstream's ratchetingOptions: the
/// value's own correlation, or when it has none (a new property, an item of a list that is not a map) the nearest
/// ancestor that has one. The root's apiVersion and kind never ratchet: both objects are converted to the same version.
/// </summary>
internal readonly record struct RatchetScope(CorrelatedObject? Current, CorrelatedObject? NearestParent)
{
    /// <summary>A failure here is let through (as a warning): the value it judged is unchanged.</summary>
    public bool Ratchets => Current is not null ? CorrelatedObject.IsUnchanged(Current) : CorrelatedObject.IsUnchanged(NearestParent);

    public RatchetScope Key(string name)
    {
        if (Current is null)
        {
            return this;
        }
        if (NearestParent is null && name is "apiVersion" or "kind")
        {
            return default;
        }
        return new RatchetScope(Current.Key(name), Current);
    }

    public RatchetScope Index(int index) => Current is null ? this : new RatchetScope(Current.Index(index), Current);
}
