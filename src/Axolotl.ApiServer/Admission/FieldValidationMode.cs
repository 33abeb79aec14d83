using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Admission;

/// <summary>The fieldValidation query parameter: what to do about unknown fields in a request body.</summary>
public enum FieldValidationMode
{
    Ignore,
    Warn,
    Strict,
}

public static class FieldValidationModes
{
    /// <summary>Upstream's default, when the parameter is absent, is Warn.</summary>
    public static FieldValidationMode Parse(string? value) => value switch
    {
        null or "" or "Warn" => FieldValidationMode.Warn,
        "Strict" => FieldValidationMode.Strict,
        "Ignore" => FieldValidationMode.Ignore,
        _ => throw ApiErrors.BadRequest($"fieldValidation parameter unsupported: {value}"),
    };
}
