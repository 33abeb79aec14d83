namespace Axolotl.Proxy.Ingress;

/// <summary>Something of an Ingress that is not served as written (a TLS Secret, a conflicting path), and why: becomes a Warning event on it.</summary>
public sealed record IngressProblem(string Namespace, string Name, string Reason, string Message);
