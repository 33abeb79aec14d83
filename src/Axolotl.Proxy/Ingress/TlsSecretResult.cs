using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Proxy.Ingress;

/// <summary>A parsed certificate, or why there is none.</summary>
public sealed record TlsSecretResult(X509Certificate2? Certificate, string? Problem);
