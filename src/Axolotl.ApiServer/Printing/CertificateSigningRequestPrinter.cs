using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// CertificateSigningRequests as upstream prints them: Name, Age, SignerName, Requestor
/// (spec.username), RequestedDuration, Condition (condition types joined by commas, "Issued"
/// appended once a certificate is present, "Pending" when there is neither).
/// </summary>
internal sealed class CertificateSigningRequestPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        CommonColumns.Age,
        new("SignerName", "string", "Name of the signer the request is for."),
        new("Requestor", "string", "The user who created the request."),
        new("RequestedDuration", "string", "The requested lifetime of the certificate."),
        new("Condition", "string", "Approved, Denied or Failed, and Issued once signed."),
    ];

    public PrintedRow Print(JsonObject csr, DateTimeOffset now)
    {
        var seconds = csr.Get("spec", "expirationSeconds").AsLong();
        return Cells.Row(
            Cells.Text(PrintFormat.Name(csr)),
            Cells.Text(PrintFormat.Age(csr, now)),
            Cells.Text(csr.Get("spec", "signerName").AsString() ?? "<none>"),
            Cells.Text(csr.Get("spec", "username").Text()),
            Cells.Text(seconds is { } s ? HumanDuration.Format(TimeSpan.FromSeconds(s)) : "<none>"),
            Cells.Text(Condition(csr)));
    }

    public static string Condition(JsonObject csr)
    {
        var types = csr.Get("status", "conditions").Items().Select(c => c.Get("type").Text()).Where(t => t.Length > 0).ToList();
        if (csr.Get("status", "certificate").Text().Length > 0)
        {
            types.Add("Issued");
        }
        return types.Count == 0 ? "Pending" : string.Join(',', types);
    }
}
