using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Admission.LimitRange;
using Axolotl.ApiServer.Admission.Quota;
using Axolotl.ApiServer.FieldManagement;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// What the REST handlers share: the object store, admission, the clock, logging, and a token that
/// fires when the server stops (long-running watches end on it so shutdown does not wait for them).
/// </summary>
public sealed record RestServices(ObjectStore Objects, AdmissionChain Admission, TimeProvider Clock, ILoggerFactory Logging, CancellationToken Stopping)
{
    public ServiceAllocator Services { get; init; } = new(Objects);

    public LimitRanger LimitRanges { get; init; } = new(Objects);

    public QuotaAdmission Quota { get; init; } = new(Objects, Clock, Logging.CreateLogger<QuotaAdmission>());

    public Admission.Storage.StorageAdmission Storage { get; init; } = new(Objects);

    public NodeCidrClaims NodeCidrs { get; init; } = new(Objects);

    public DisruptionBudgets DisruptionBudgets { get; init; } = new(Objects);

    public FieldManager Fields { get; init; } = new(Clock);

    /// <summary>RBAC escalation prevention on role and binding writes; null in handler tests without authorization.</summary>
    public Security.Rbac.RbacEscalation? RbacEscalation { get; init; }

    /// <summary>CertificateApproval and CertificateSigning admission; null in handler tests without authorization.</summary>
    public CertificateSignerAdmission? CertificateSigners { get; init; }

    /// <summary>The ServiceAccount admission plugin; null where a test builds the handlers without it.</summary>
    public ServiceAccountAdmission? ServiceAccounts { get; init; }
}
