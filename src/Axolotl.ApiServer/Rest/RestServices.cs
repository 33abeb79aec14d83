using Axolotl.ApiServer.Admission;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Rest;

/// <summary>What the REST handlers share: the object store, admission, the clock, logging.</summary>
public sealed record RestServices(ObjectStore Objects, AdmissionChain Admission, TimeProvider Clock, ILoggerFactory Logging);
