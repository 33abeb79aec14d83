namespace Axolotl.ApiServer.Admission;

/// <summary>What a request does to the object admission looks at (upstream's admission.Operation).</summary>
public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
}
