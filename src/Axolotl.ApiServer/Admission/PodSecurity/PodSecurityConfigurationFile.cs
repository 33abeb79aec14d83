using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// Reads --pod-security-admission-config-file as kube-apiserver reads --admission-control-config-file
/// for this plugin: an AdmissionConfiguration (apiserver.config.k8s.io) whose PodSecurity entry holds
/// the configuration inline or names a file (relative paths from the admission file's folder), or a
/// bare PodSecurityConfiguration. Decoding is strict, as upstream's: an unknown field, a bad level or
/// version, an invalid or repeated exemption, or another plugin's entry (Axolotl runs no other
/// configurable plugin) stops the server at start with the reason.
/// </summary>
public static class PodSecurityConfigurationFile
{
    public const string Group = "pod-security.admission.config.k8s.io";

    private static readonly string[] ConfigurationVersions = [$"{Group}/v1", $"{Group}/v1beta1", $"{Group}/v1alpha1"];
    private static readonly string[] AdmissionVersions = ["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1", "apiserver.k8s.io/v1alpha1"];
    private static readonly string[] DefaultsFields = ["enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"];

    public static PodSecurityConfiguration Load(string path) => Parse(Read(path), path);

    public static PodSecurityConfiguration Parse(string yaml, string source)
    {
        var root = ParseYaml(yaml, source);
        var kind = Text(root["kind"]);
        var apiVersion = Text(root["apiVersion"]);
        if (kind == "AdmissionConfiguration" && AdmissionVersions.Contains(apiVersion))
        {
            return FromAdmissionConfiguration(root, source);
        }
        if (kind == "PodSecurityConfiguration")
        {
            return FromPodSecurityConfiguration(root, source);
        }
        throw new PodSecurityConfigurationException(
            $"{source}: want kind AdmissionConfiguration (apiVersion apiserver.config.k8s.io/v1) or PodSecurityConfiguration (apiVersion {Group}/v1), got kind \"{kind}\" apiVersion \"{apiVersion}\"");
    }

    private static PodSecurityConfiguration FromAdmissionConfiguration(JsonObject root, string source)
    {
        RefuseUnknown(root, source, "", ["apiVersion", "kind", "plugins"]);
        var plugins = root["plugins"] switch
        {
            null => [],
            JsonArray array => array,
            _ => throw new PodSecurityConfigurationException($"{source}: plugins: must be a list"),
        };
        PodSecurityConfiguration? found = null;
        for (var i = 0; i < plugins.Count; i++)
        {
            var where = $"plugins[{i}]";
            if (plugins[i] is not JsonObject plugin)
            {
                throw new PodSecurityConfigurationException($"{source}: {where}: must be a mapping with name and configuration or path");
            }
            RefuseUnknown(plugin, source, where + ".", ["name", "path", "configuration"]);
            var name = Text(plugin["name"]);
            if (name != "PodSecurity")
            {
                throw new PodSecurityConfigurationException(
                    $"{source}: {where}: admission plugin \"{name}\" cannot be configured in Axolotl; PodSecurity is the only configurable plugin");
            }
            if (found is not null)
            {
                throw new PodSecurityConfigurationException($"{source}: {where}: PodSecurity is configured twice");
            }
            found = (plugin["configuration"], Text(plugin["path"])) switch
            {
                (JsonObject inline, "") => FromPodSecurityConfiguration(inline, $"{source}: {where}.configuration"),
                (null, { Length: > 0 } path) => FromNamedFile(path, source),
                (null, "") => throw new PodSecurityConfigurationException($"{source}: {where}: set configuration or path"),
                (JsonObject, _) => throw new PodSecurityConfigurationException($"{source}: {where}: set configuration or path, not both"),
                _ => throw new PodSecurityConfigurationException($"{source}: {where}.configuration: must be a mapping"),
            };
        }
        return found ?? PodSecurityConfiguration.Default;
    }

    private static PodSecurityConfiguration FromNamedFile(string path, string admissionFile)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(admissionFile)) ?? "", path);
        var root = ParseYaml(Read(full), full);
        return FromPodSecurityConfiguration(root, full);
    }

    private static PodSecurityConfiguration FromPodSecurityConfiguration(JsonObject root, string source)
    {
        var apiVersion = Text(root["apiVersion"]);
        if (Text(root["kind"]) != "PodSecurityConfiguration" || !ConfigurationVersions.Contains(apiVersion))
        {
            throw new PodSecurityConfigurationException(
                $"{source}: want kind PodSecurityConfiguration with apiVersion {string.Join(", ", ConfigurationVersions)}");
        }
        RefuseUnknown(root, source, "", ["apiVersion", "kind", "defaults", "exemptions"]);
        var defaults = Mapping(root, "defaults", source);
        var exemptions = Mapping(root, "exemptions", source);
        RefuseUnknown(defaults, source, "defaults.", DefaultsFields);
        RefuseUnknown(exemptions, source, "exemptions.", ["usernames", "namespaces", "runtimeClasses"]);

        var errors = new List<FieldError>();
        // Upstream's validation order: enforce, warn, audit; then namespaces, runtime classes, users.
        var enforce = ReadLevelVersion(defaults, "enforce", source, errors);
        var warn = ReadLevelVersion(defaults, "warn", source, errors);
        var audit = ReadLevelVersion(defaults, "audit", source, errors);
        var namespaces = ReadNames(exemptions, "namespaces", source, errors, NameRules.DNS1123Label);
        var runtimeClasses = ReadNames(exemptions, "runtimeClasses", source, errors, NameRules.DNS1123Subdomain);
        var usernames = ReadNames(exemptions, "usernames", source, errors, name => name.Length == 0 ? ["username must not be empty"] : []);
        if (errors.Count > 0)
        {
            var joined = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
            throw new PodSecurityConfigurationException($"{source}: {joined}");
        }
        return new PodSecurityConfiguration(new NamespacePolicy(enforce, audit, warn), usernames, namespaces, runtimeClasses);
    }

    private static LevelVersion ReadLevelVersion(JsonObject defaults, string mode, string source, List<FieldError> errors)
    {
        var path = FieldPath.Of("defaults", mode);
        var levelText = OptionalString(defaults, mode, source, "defaults.") ?? "privileged";
        var versionText = OptionalString(defaults, mode + "-version", source, "defaults.") ?? "latest";
        if (!PolicyLabels.TryParseLevel(levelText, out var level))
        {
            errors.Add(FieldError.Invalid(path, levelText, PolicyLabels.InvalidLevelMessage));
        }
        if (!PolicyVersion.TryParse(versionText, out var version))
        {
            errors.Add(FieldError.Invalid(FieldPath.Of("defaults", mode + "-version"), versionText, PolicyVersion.InvalidMessage));
        }
        return new LevelVersion(level, version);
    }

    private static HashSet<string> ReadNames(JsonObject exemptions, string field, string source, List<FieldError> errors, Func<string, List<string>> validate)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var list = exemptions[field] switch
        {
            null => [],
            JsonArray array => array,
            _ => throw new PodSecurityConfigurationException($"{source}: exemptions.{field}: must be a list of strings"),
        };
        for (var i = 0; i < list.Count; i++)
        {
            var path = FieldPath.Of("exemptions", field).Index(i);
            if (list[i] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                throw new PodSecurityConfigurationException($"{source}: {path}: must be a string");
            }
            var name = value.GetValue<string>();
            var problems = validate(name);
            if (problems.Count > 0)
            {
                errors.Add(FieldError.Invalid(path, name, string.Join(", ", problems)));
            }
            else if (!result.Add(name))
            {
                errors.Add(FieldError.Duplicate(path, name));
            }
        }
        return result;
    }

    private static JsonObject Mapping(JsonObject parent, string field, string source) => parent[field] switch
    {
        null => [],
        JsonObject mapping => mapping,
        _ => throw new PodSecurityConfigurationException($"{source}: {field}: must be a mapping"),
    };

    private static string? OptionalString(JsonObject parent, string field, string source, string prefix) => parent[field] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text => text,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => null,
        _ => throw new PodSecurityConfigurationException($"{source}: {prefix}{field}: must be a string"),
    };

    private static void RefuseUnknown(JsonObject obj, string source, string prefix, string[] known)
    {
        var unknown = obj.Select(p => p.Key).Where(k => !known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new PodSecurityConfigurationException(
                $"{source}: strict decoding error: {string.Join(", ", unknown.Select(k => $"unknown field \"{prefix}{k}\""))}");
        }
    }

    private static JsonObject ParseYaml(string yaml, string source)
    {
        try
        {
            return YamlToJson.Convert(yaml) as JsonObject ?? throw new FormatException("not a mapping");
        }
        catch (FormatException e)
        {
            throw new PodSecurityConfigurationException($"{source}: {e.Message}");
        }
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PodSecurityConfigurationException($"cannot read {path}: {e.Message}");
        }
    }

    private static string Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "";
}
