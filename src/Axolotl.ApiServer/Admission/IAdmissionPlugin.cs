namespace Axolotl.ApiServer.Admission;

/// <summary>
/// An admission plugin, registered once in <see cref="AdmissionPlugins"/>. A plugin implements
/// <see cref="IMutatingAdmissionPlugin"/>, <see cref="IValidatingAdmissionPlugin"/> or both, as
/// upstream's do; <see cref="IWriteAdmissionPlugin"/> is for the one that must hold its decision
/// until the object is stored (ResourceQuota).
/// </summary>
public interface IAdmissionPlugin
{
    /// <summary>Upstream's plugin name (or ours, for checks upstream does elsewhere).</summary>
    string Name { get; }
}
