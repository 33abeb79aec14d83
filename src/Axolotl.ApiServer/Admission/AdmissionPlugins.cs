namespace Axolotl.ApiServer.Admission;

/// <summary>
/// The admission plugins a server runs, in the one order they run in: every mutating plugin in list
/// order, then every validating plugin in list order (a plugin that does both appears once and takes
/// part in both phases, as upstream's do), then the one write plugin, which must come last. The list
/// itself is written down once, where the server is composed (Hosting/AdmissionOrder).
/// </summary>
public sealed class AdmissionPlugins
{
    public AdmissionPlugins(IReadOnlyList<IAdmissionPlugin> ordered)
    {
        Ordered = ordered;
        Mutating = [.. ordered.OfType<IMutatingAdmissionPlugin>()];
        Validating = [.. ordered.OfType<IValidatingAdmissionPlugin>()];
        var writing = ordered.OfType<IWriteAdmissionPlugin>().ToList();
        if (writing.Count > 1 || (writing.Count == 1 && !ReferenceEquals(ordered[^1], writing[0])))
        {
            // Its decision holds only through the write: anything after it could refuse what it already counted.
            throw new ArgumentException("at most one write admission plugin, registered last", nameof(ordered));
        }
        if (ordered.Select(p => p.Name).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"admission plugin {twice.Key} registered twice", nameof(ordered));
        }
        Writing = writing.SingleOrDefault();
    }

    /// <summary>No plugins: decoding, defaulting and validation only.</summary>
    public static AdmissionPlugins None { get; } = new([]);

    /// <summary>The registration order (for the ADR's table and the test that pins it).</summary>
    public IReadOnlyList<IAdmissionPlugin> Ordered { get; }

    public IReadOnlyList<IMutatingAdmissionPlugin> Mutating { get; }

    public IReadOnlyList<IValidatingAdmissionPlugin> Validating { get; }

    public IWriteAdmissionPlugin? Writing { get; }

    public T? Find<T>()
        where T : class, IAdmissionPlugin => Ordered.OfType<T>().FirstOrDefault();
}
