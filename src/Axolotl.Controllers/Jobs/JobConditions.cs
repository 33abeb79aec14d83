using Axolotl.Api.Batch;

namespace Axolotl.Controllers.Jobs;

/// <summary>Job condition types, reasons and messages (upstream batch/v1 and the Job controller).</summary>
public static class JobConditions
{
    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";
    public const string FailureTarget = "FailureTarget";
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";

    public const string BackoffLimitExceeded = "BackoffLimitExceeded";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string PodFailurePolicy = "PodFailurePolicy";
    public const string MaxFailedIndexesExceeded = "MaxFailedIndexesExceeded";
    public const string FailedIndexes = "FailedIndexes";
    public const string CompletionsReached = "CompletionsReached";
    public const string SuccessPolicy = "SuccessPolicy";

    public const string BackoffLimitExceededMessage = "Job has reached the specified backoff limit";
    public const string DeadlineExceededMessage = "Job was active longer than specified deadline";
    public const string MaxFailedIndexesExceededMessage = "Job has exceeded the specified maximal number of failed indexes";
    public const string FailedIndexesMessage = "Job has failed indexes";
    public const string CompletionsReachedMessage = "Reached expected number of succeeded pods";

    public static JobCondition? Find(JobStatus? status, string type) => status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(JobStatus? status, string type) => Find(status, type)?.Status == "True";

    /// <summary>Complete or Failed: the controller is done with the job.</summary>
    public static bool IsFinished(JobStatus? status) => IsTrue(status, Complete) || IsTrue(status, Failed);

    /// <summary>
    /// Sets a condition; the transition time moves only when the status changes (upstream
    /// ensureJobConditionStatus). Returns whether anything changed.
    /// </summary>
    public static bool Set(JobStatus status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        var conditions = status.Conditions ??= [];
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            if (value != "True" && type != Suspended)
            {
                return false;
            }
            conditions.Add(new JobCondition { Type = type, Status = value, Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now });
            return true;
        }
        if (existing.Status == value && existing.Reason == reason && existing.Message == message)
        {
            return false;
        }
        if (existing.Status != value)
        {
            existing.LastTransitionTime = now;
        }
        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        existing.LastProbeTime = now;
        return true;
    }
}
