using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Axolotl.Storage.Sqlite;

/// <summary>One-off statements on a connection (pragmas, schema), outside the prepared commands of the hot path.</summary>
internal static class SqliteCommands
{
    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static long Long(SqliteConnection connection, string sql) => Convert.ToInt64(Scalar(connection, sql), CultureInfo.InvariantCulture);

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
