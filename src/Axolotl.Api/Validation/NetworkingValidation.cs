using Axolotl.Api.Networking;

namespace Axolotl.Api.Validation;

/// <summary>networking.k8s.io/v1 Ingresses and IngressClasses, with upstream's rules and messages (pkg/apis/networking/validation).</summary>
public static class NetworkingValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly string[] PathTypes = ["Exact", "ImplementationSpecific", "Prefix"];

    public static List<FieldError> ValidateIngress(Ingress ingress, Ingress? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(ingress.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(ingress.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
        var specPath = FieldPath.Of("spec");
        var spec = ingress.Spec ?? new IngressSpec();
        if ((spec.Rules?.Count ?? 0) == 0 && spec.DefaultBackend is null)
        {
            errors.Add(FieldError.Invalid(specPath, null, "") with
            {
                Message = "Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified",
            });
        }
        if (spec.DefaultBackend is { } backend)
        {
            errors.AddRange(ValidateBackend(backend, specPath.Child("defaultBackend")));
        }
        if (spec.IngressClassName is { } className)
        {
            errors.AddRange(NameRules.DNS1123Subdomain(className).Select(m => FieldError.Invalid(specPath.Child("ingressClassName"), className, m)));
        }
        for (var i = 0; i < (spec.Tls?.Count ?? 0); i++)
        {
            var tls = spec.Tls![i];
            for (var h = 0; h < (tls.Hosts?.Count ?? 0); h++)
            {
                errors.AddRange(ValidateHost(tls.Hosts![h], specPath.Child("tls").Index(i).Child("hosts").Index(h)));
            }
            if (tls.SecretName is { Length: > 0 } secret)
            {
                errors.AddRange(NameRules.DNS1123Subdomain(secret).Select(m => FieldError.Invalid(specPath.Child("tls").Index(i).Child("secretName"), secret, m)));
            }
        }
        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            var rule = spec.Rules![i];
            var rulePath = specPath.Child("rules").Index(i);
            if (rule.Host is { Length: > 0 } host)
            {
                errors.AddRange(ValidateHost(host, rulePath.Child("host")));
            }
            if (rule.Http is not { } http)
            {
                continue;
            }
            var pathsPath = rulePath.Child("http").Child("paths");
            if ((http.Paths?.Count ?? 0) == 0)
            {
                errors.Add(FieldError.Required(pathsPath));
            }
            for (var p = 0; p < (http.Paths?.Count ?? 0); p++)
            {
                errors.AddRange(ValidatePath(http.Paths![p], pathsPath.Index(p)));
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateIngressClass(IngressClass ingressClass, IngressClass? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(ingressClass.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(ingressClass.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata));
        var controllerPath = FieldPath.Of("spec", "controller");
        var controller = ingressClass.Spec?.Controller ?? "";
        if (controller.Length == 0)
        {
            errors.Add(FieldError.Required(controllerPath));
        }
        else if (controller.Length > 250)
        {
            errors.Add(FieldError.TooLong(controllerPath, 250));
        }
        if (old is not null && (old.Spec?.Controller ?? "") != controller)
        {
            errors.Add(FieldError.Invalid(controllerPath, controller, MetadataValidation.FieldImmutable));
        }
        if (ingressClass.Spec?.Parameters is { } parameters)
        {
            var parametersPath = FieldPath.Of("spec", "parameters");
            if (parameters.Kind.Length == 0)
            {
                errors.Add(FieldError.Required(parametersPath.Child("kind")));
            }
            if (parameters.Name.Length == 0)
            {
                errors.Add(FieldError.Required(parametersPath.Child("name")));
            }
            var scope = parameters.Scope ?? "Cluster";
            if (scope is not ("Cluster" or "Namespace"))
            {
                errors.Add(FieldError.NotSupported(parametersPath.Child("scope"), scope, ["Cluster", "Namespace"]));
            }
            else if (scope == "Namespace" && string.IsNullOrEmpty(parameters.Namespace))
            {
                errors.Add(FieldError.Required(parametersPath.Child("namespace"), "`parameters.scope` is set to 'Namespace'"));
            }
            else if (scope == "Cluster" && !string.IsNullOrEmpty(parameters.Namespace))
            {
                errors.Add(FieldError.Forbidden(parametersPath.Child("namespace"), "`parameters.scope` is set to 'Cluster'"));
            }
        }
        return errors;
    }

    /// <summary>A host: an RFC 1123 subdomain, or one with a single leading "*." (no IP addresses).</summary>
    private static IEnumerable<FieldError> ValidateHost(string host, FieldPath path)
    {
        if (System.Net.IPAddress.TryParse(host, out _))
        {
            return [FieldError.Invalid(path, host, "must be a DNS name, not an IP address")];
        }
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        var problems = NameRules.DNS1123Subdomain(name);
        if (host.Contains('*', StringComparison.Ordinal) && !host.StartsWith("*.", StringComparison.Ordinal))
        {
            problems = ["a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"];
        }
        return problems.Select(m => FieldError.Invalid(path, host, m));
    }

    private static IEnumerable<FieldError> ValidatePath(HTTPIngressPath path, FieldPath at)
    {
        var errors = new List<FieldError>();
        var pathTypePath = at.Child("pathType");
        if (path.PathType is not { } pathType)
        {
            errors.Add(FieldError.Required(pathTypePath, "pathType must be specified"));
        }
        else if (!PathTypes.Contains(pathType))
        {
            errors.Add(FieldError.NotSupported(pathTypePath, pathType, PathTypes));
        }
        else if (pathType is "Exact" or "Prefix")
        {
            var value = path.Path ?? "";
            if (!value.StartsWith('/'))
            {
                errors.Add(FieldError.Invalid(at.Child("path"), value, "must be an absolute path"));
            }
            else if (value.Contains("//", StringComparison.Ordinal))
            {
                errors.Add(FieldError.Invalid(at.Child("path"), value, "must not contain '//'"));
            }
        }
        else if (path.Path is { Length: > 0 } specific && !specific.StartsWith('/'))
        {
            errors.Add(FieldError.Invalid(at.Child("path"), specific, "must be an absolute path"));
        }
        if (path.Backend is { } backend)
        {
            errors.AddRange(ValidateBackend(backend, at.Child("backend")));
        }
        else
        {
            errors.Add(FieldError.Required(at.Child("backend")));
        }
        return errors;
    }

    private static IEnumerable<FieldError> ValidateBackend(IngressBackend backend, FieldPath at)
    {
        if (backend.Service is not null && backend.Resource is not null)
        {
            return [FieldError.Invalid(at, "", "cannot set both resource and service backends")];
        }
        if (backend.Resource is { } resource)
        {
            var errors = new List<FieldError>();
            if (resource.Kind.Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("resource", "kind")));
            }
            if (resource.Name.Length == 0)
            {
                errors.Add(FieldError.Required(at.Child("resource", "name")));
            }
            return errors;
        }
        if (backend.Service is not { } service)
        {
            return [FieldError.Invalid(at, "", "resource or service backend is required")];
        }
        var found = new List<FieldError>();
        var servicePath = at.Child("service");
        if (service.Name.Length == 0)
        {
            found.Add(FieldError.Required(servicePath.Child("name")));
        }
        else
        {
            found.AddRange(NameRules.DNS1035Label(service.Name).Select(m => FieldError.Invalid(servicePath.Child("name"), service.Name, m)));
        }
        var portPath = servicePath.Child("port");
        var port = service.Port;
        var hasName = !string.IsNullOrEmpty(port?.Name);
        var hasNumber = port?.Number is > 0;
        if (hasName && hasNumber)
        {
            found.Add(FieldError.Invalid(portPath, port!.Name, "cannot set both port name & port number"));
        }
        else if (hasName)
        {
            found.AddRange(NameRules.PortName(port!.Name!).Select(m => FieldError.Invalid(portPath.Child("name"), port.Name, m)));
        }
        else if (port?.Number is { } number)
        {
            found.AddRange(NameRules.PortNumber(number).Select(m => FieldError.Invalid(portPath.Child("number"), number, m)));
        }
        else
        {
            found.Add(FieldError.Required(portPath, "port name or number is required"));
        }
        return found;
    }
}
