using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Client;

/// <summary>How to reach and authenticate to an API server.</summary>
public sealed record KubeClientOptions
{
    /// <summary>The server's base URL, e.g. https://127.0.0.1:6443.</summary>
    public required Uri Server { get; init; }

    /// <summary>More servers of the same cluster, tried in turn when the current one cannot be reached (<see cref="ServerFailoverHandler"/>).</summary>
    public IReadOnlyList<Uri> FailoverServers { get; init; } = [];

    /// <summary>Sent as "Authorization: Bearer …" when set.</summary>
    public string? BearerToken { get; init; }

    /// <summary>PEM of the CA certificate(s) that sign the server's certificate; null trusts the system store.</summary>
    public string? CertificateAuthorityPem { get; init; }

    /// <summary>Client certificate (with private key) for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Accept any server certificate. For tests only.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>Replaces the default SocketsHttpHandler, e.g. with a fake in tests; TLS settings are then ignored.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Deadline for a non-watch request. Watches run until the server ends them or the caller cancels.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock <see cref="RequestTimeout"/> is measured on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The namespace the kubeconfig context names; informational (calls always take a namespace).</summary>
    public string? DefaultNamespace { get; init; }

    public string UserAgent { get; init; } = "axolotl-client";
}
