using Axolotl.Api.AdmissionRegistration;

namespace Axolotl.Api.Validation;

/// <summary>
/// A webhook's clientConfig (upstream's ValidateWebhookURL and ValidateWebhookService): exactly one of url
/// or service; a url is https with a host and no user, query or fragment; a service has a name, a namespace,
/// a valid port and a path of DNS-subdomain segments.
/// </summary>
public static class WebhookClientConfigValidation
{
    private const string Form = "; desired format: https://host[/path]";

    public static List<FieldError> Validate(WebhookClientConfig? config, FieldPath path)
    {
        config ??= new WebhookClientConfig();
        if ((config.Url is null) == (config.Service is null))
        {
            return [FieldError.Required(path, "exactly one of url or service is required")];
        }
        return config.Url is { } url ? ValidateUrl(url, path.Child("url")) : ValidateService(config.Service!, path.Child("service"));
    }

    public static List<FieldError> ValidateUrl(string url, FieldPath path)
    {
        if (!WebhookUrl.TryParse(url, out var parsed, out var problem))
        {
            return [FieldError.Required(path, "url must be a valid URL: " + problem + Form)];
        }
        var errors = new List<FieldError>();
        if (parsed.Scheme != "https")
        {
            errors.Add(FieldError.Invalid(path, parsed.Scheme, "'https' is the only allowed URL scheme" + Form));
        }
        if (parsed.Host.Length == 0)
        {
            errors.Add(FieldError.Invalid(path, parsed.Host, "host must be specified" + Form));
        }
        if (parsed.User is { } user)
        {
            errors.Add(FieldError.Invalid(path, user, "user information is not permitted in the URL"));
        }
        if (parsed.Fragment.Length > 0)
        {
            errors.Add(FieldError.Invalid(path, parsed.Fragment, "fragments are not permitted in the URL"));
        }
        if (parsed.Query.Length > 0)
        {
            errors.Add(FieldError.Invalid(path, parsed.Query, "query parameters are not permitted in the URL"));
        }
        return errors;
    }

    private static List<FieldError> ValidateService(ServiceReference service, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (service.Name.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("name"), "service name is required"));
        }
        if (service.Namespace.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("namespace"), "service namespace is required"));
        }
        if (service.Port is { } port && NameRules.PortNumber(port) is { Count: > 0 } portErrors)
        {
            errors.Add(FieldError.Invalid(path.Child("port"), port, "port is not valid: " + string.Join(", ", portErrors)));
        }
        if (service.Path is not { Length: > 0 } urlPath || urlPath == "/")
        {
            return errors;
        }
        if (urlPath == "//")
        {
            errors.Add(FieldError.Invalid(path.Child("path"), urlPath, "segment[0] may not be empty"));
            return errors;
        }
        if (!urlPath.StartsWith('/'))
        {
            errors.Add(FieldError.Invalid(path.Child("path"), urlPath, "must start with a '/'"));
        }
        var check = urlPath[1..];
        if (check.EndsWith('/'))
        {
            check = check[..^1];
        }
        var steps = check.Split('/');
        for (var i = 0; i < steps.Length; i++)
        {
            if (steps[i].Length == 0)
            {
                errors.Add(FieldError.Invalid(path.Child("path"), urlPath, $"segment[{i}] may not be empty"));
                continue;
            }
            foreach (var failure in NameRules.DNS1123Subdomain(steps[i]))
            {
                errors.Add(FieldError.Invalid(path.Child("path"), urlPath, $"segment[{i}]: {failure}"));
            }
        }
        return errors;
    }
}
