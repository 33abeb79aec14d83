using Axolotl.Api.Core;

namespace Axolotl.Api.Validation;

/// <summary>Probes and lifecycle hooks (upstream validateProbe, validateHandler and the action validators).</summary>
public static class ProbeValidation
{
    public static List<FieldError> ValidateLiveness(Probe? probe, long? gracePeriod, FieldPath path) =>
        ValidateWithSuccessThresholdOne(probe, gracePeriod, path);

    public static List<FieldError> ValidateStartup(Probe? probe, long? gracePeriod, FieldPath path) =>
        ValidateWithSuccessThresholdOne(probe, gracePeriod, path);

    public static List<FieldError> ValidateReadiness(Probe? probe, long? gracePeriod, FieldPath path)
    {
        if (probe is null)
        {
            return [];
        }
        var errors = ValidateProbe(probe, gracePeriod, path);
        if (probe.TerminationGracePeriodSeconds is { } seconds)
        {
            errors.Add(FieldError.Invalid(path.Child("terminationGracePeriodSeconds"), seconds, "must not be set for readinessProbes"));
        }
        return errors;
    }

    public static List<FieldError> ValidateLifecycle(Lifecycle lifecycle, long? gracePeriod, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (lifecycle.PostStart is { } postStart)
        {
            errors.AddRange(ValidateHandler(postStart.Exec, postStart.HttpGet, postStart.TcpSocket, null, postStart.Sleep, gracePeriod, path.Child("postStart")));
        }
        if (lifecycle.PreStop is { } preStop)
        {
            errors.AddRange(ValidateHandler(preStop.Exec, preStop.HttpGet, preStop.TcpSocket, null, preStop.Sleep, gracePeriod, path.Child("preStop")));
        }
        return errors;
    }

    private static List<FieldError> ValidateWithSuccessThresholdOne(Probe? probe, long? gracePeriod, FieldPath path)
    {
        if (probe is null)
        {
            return [];
        }
        var errors = ValidateProbe(probe, gracePeriod, path);
        if (probe.SuccessThreshold is { } threshold && threshold != 1)
        {
            errors.Add(FieldError.Invalid(path.Child("successThreshold"), threshold, "must be 1"));
        }
        return errors;
    }

    private static List<FieldError> ValidateProbe(Probe probe, long? gracePeriod, FieldPath path)
    {
        var errors = ValidateHandler(probe.Exec, probe.HttpGet, probe.TcpSocket, probe.Grpc, null, gracePeriod, path);
        errors.AddRange(MetadataValidation.NonNegative(probe.InitialDelaySeconds, path.Child("initialDelaySeconds")));
        errors.AddRange(MetadataValidation.NonNegative(probe.TimeoutSeconds, path.Child("timeoutSeconds")));
        errors.AddRange(MetadataValidation.NonNegative(probe.PeriodSeconds, path.Child("periodSeconds")));
        errors.AddRange(MetadataValidation.NonNegative(probe.SuccessThreshold, path.Child("successThreshold")));
        errors.AddRange(MetadataValidation.NonNegative(probe.FailureThreshold, path.Child("failureThreshold")));
        if (probe.TerminationGracePeriodSeconds is <= 0)
        {
            errors.Add(FieldError.Invalid(path.Child("terminationGracePeriodSeconds"), probe.TerminationGracePeriodSeconds.Value, "must be greater than 0"));
        }
        return errors;
    }

    private static List<FieldError> ValidateHandler(ExecAction? exec, HTTPGetAction? httpGet, TCPSocketAction? tcpSocket, GRPCAction? grpc,
        SleepAction? sleep, long? gracePeriod, FieldPath path)
    {
        var errors = new List<FieldError>();
        var handlers = 0;

        void Consider(bool present, string name, Func<List<FieldError>> validate)
        {
            if (!present)
            {
                return;
            }
            if (handlers > 0)
            {
                errors.Add(FieldError.Forbidden(path.Child(name), "may not specify more than 1 handler type"));
                return;
            }
            handlers++;
            errors.AddRange(validate());
        }

        Consider(exec is not null, "exec", () => exec!.Command is null or { Count: 0 } ? [FieldError.Required(path.Child("exec", "command"))] : []);
        Consider(httpGet is not null, "httpGet", () => ValidateHttpGet(httpGet!, path.Child("httpGet")));
        Consider(tcpSocket is not null, "tcpSocket", () => ValidatePortNumberOrName(tcpSocket!.Port, path.Child("tcpSocket", "port")));
        Consider(grpc is not null, "grpc", () => ValidatePortNumberOrName(IntOrString.FromInt(grpc!.Port), path.Child("grpc", "port")));
        Consider(sleep is not null, "sleep", () => ValidateSleep(sleep!, gracePeriod, path.Child("sleep")));
        if (handlers == 0)
        {
            errors.Add(FieldError.Required(path, "must specify a handler type"));
        }
        return errors;
    }

    private static List<FieldError> ValidateHttpGet(HTTPGetAction action, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(action.Path))
        {
            errors.Add(FieldError.Required(path.Child("path")));
        }
        errors.AddRange(ValidatePortNumberOrName(action.Port, path.Child("port")));
        if (action.Scheme is not ("HTTP" or "HTTPS"))
        {
            errors.Add(FieldError.NotSupported(path.Child("scheme"), action.Scheme ?? "", ["HTTP", "HTTPS"]));
        }
        foreach (var header in action.HttpHeaders ?? [])
        {
            errors.AddRange(NameRules.HttpHeaderName(header.Name).Select(m => FieldError.Invalid(path.Child("httpHeaders"), header.Name, m)));
        }
        return errors;
    }

    // v1.32 has PodLifecycleSleepActionAllowZero off (alpha), so a zero-second sleep is rejected.
    private static List<FieldError> ValidateSleep(SleepAction sleep, long? gracePeriod, FieldPath path) =>
        gracePeriod is { } grace && (sleep.Seconds <= 0 || sleep.Seconds > grace)
            ? [FieldError.Invalid(path, sleep.Seconds,
                $"must be greater than 0 and less than terminationGracePeriodSeconds ({grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.")]
            : [];

    /// <summary>A port number (1-65535) or an IANA port name.</summary>
    public static List<FieldError> ValidatePortNumberOrName(IntOrString port, FieldPath path) =>
        port.IsInt
            ? NameRules.PortNumber(port.IntValue).Select(m => FieldError.Invalid(path, port.IntValue, m)).ToList()
            : NameRules.PortName(port.StringValue).Select(m => FieldError.Invalid(path, port.StringValue, m)).ToList();
}
