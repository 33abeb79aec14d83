using Axolotl.SeedImages.Layers;

namespace Axolotl.SeedImages.Servers;

/// <summary>
/// The postgres image from Debian's PostgreSQL 15: the server, initdb, pg_ctl, psql and pg_isready on
/// PATH, the postgres account (uid 999 as in the official image), and an entrypoint that does what a
/// user of the official image relies on: POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB (and their
/// _FILE forms), POSTGRES_INITDB_ARGS and POSTGRES_HOST_AUTH_METHOD, initdb into PGDATA on the first
/// start, the scripts of /docker-entrypoint-initdb.d, then the server as postgres, listening on 5432.
/// </summary>
public static class PostgresImage
{
    public const string Major = "15";
    public const string BinDirectory = "/usr/lib/postgresql/" + Major + "/bin";
    public const string DataDirectory = "/var/lib/postgresql/data";

    /// <summary>The server and its client programs; tzdata for the server's time zones (Debian builds it against the system's).</summary>
    public static readonly string[] Packages = ["postgresql-" + Major, "postgresql-client-" + Major, "tzdata"];

    // setpriv (util-linux) drops root for the server as the official image's gosu does.
    private const string Setpriv = "/usr/bin/setpriv";

    public static EntrySet Packaged() => DebianPackagesLayer.Add(new EntrySet(), Packages);

    public static EntrySet Setup()
    {
        if (!File.Exists(Setpriv))
        {
            throw new MissingInputException("util-linux", $"{Setpriv} is missing");
        }

        var set = new EntrySet().HostFile(Setpriv, Setpriv);
        foreach (var library in LibraryClosure.Of([Setpriv]))
        {
            set.HostFile(Usrmerge.Path(library), library);
        }

        return set
            .Text("/etc/passwd", UnixAccounts.DebianPasswd + "postgres:x:999:999::/var/lib/postgresql:/bin/bash\n")
            .Text("/etc/group", UnixAccounts.DebianGroup + "postgres:x:999:\n")
            .Directory("/var/lib/postgresql")
            .Directory("/docker-entrypoint-initdb.d")
            .Text("/usr/local/bin/docker-entrypoint.sh", PostgresEntrypoint.Script, (UnixFileMode)0b111_101_101)
            .Symlink("/docker-entrypoint.sh", "usr/local/bin/docker-entrypoint.sh");
    }

    public static IReadOnlyList<string> Environment =>
    [
        $"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:{BinDirectory}",
        "LANG=C.UTF-8",
        "PG_MAJOR=" + Major,
        "PGDATA=" + DataDirectory,
    ];

    public static IReadOnlyList<string> Entry => ["docker-entrypoint.sh"];

    public static IReadOnlyList<string> Command => ["postgres"];
}
