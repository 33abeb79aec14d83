namespace Axolotl.Api.Resources;

/// <summary>How a quantity is written back out: the family of suffixes it was given in.</summary>
public enum QuantityFormat
{
    /// <summary>Powers of ten with SI suffixes: n, u, m, k, M, G, T, P, E.</summary>
    DecimalSI,

    /// <summary>Powers of two with binary suffixes: Ki, Mi, Gi, Ti, Pi, Ei.</summary>
    BinarySI,

    /// <summary>Scientific notation such as 12e6.</summary>
    DecimalExponent,
}
