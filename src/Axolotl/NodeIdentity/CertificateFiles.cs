using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.NodeIdentity;

/// <summary>A node's certificate and private key in one PEM file (the kubelet's *-current.pem), owner-only.</summary>
public static class CertificateFiles
{
    /// <summary>The certificate with its key, or null when the file is missing or unreadable as such.</summary>
    public static X509Certificate2? Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            return null;
        }
        try
        {
            var pem = System.IO.File.ReadAllText(path);
            return X509Certificate2.CreateFromPem(pem, pem);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static void Save(string path, X509Certificate2 certificate)
    {
        var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("node certificates carry an ECDSA key");
        var text = certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        // Owner-only from the first byte: the key never sits in a readable file.
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        System.IO.File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        System.IO.File.Move(temporary, path, overwrite: true);
    }
}
