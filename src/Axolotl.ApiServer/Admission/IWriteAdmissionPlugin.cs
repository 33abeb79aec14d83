using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// A validating plugin whose decision holds only until the object is stored: it runs the write itself,
/// after deciding, so no other write slips in between (ResourceQuota counts usage and admits under a
/// per-namespace lock). Upstream gets the same with a compare-and-swap on the quota's status; it runs
/// last there too.
/// </summary>
public interface IWriteAdmissionPlugin : IAdmissionPlugin
{
    /// <param name="write">Stores the object; null for a dry run (decide only).</param>
    /// <returns>What <paramref name="write"/> stored; null for a dry run.</returns>
    Task<StoredObject?> AdmitWriteAsync(AdmissionAttributes attributes, Func<Task<StoredObject>>? write, CancellationToken ct);
}
