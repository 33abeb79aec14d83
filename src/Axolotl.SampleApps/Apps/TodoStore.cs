using Npgsql;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// todo-web's items in PostgreSQL, as the original's EF Core model keeps them: table "ToDos" in the
/// connection string's database, which is created (with the table) on first use when it does not
/// exist yet, as the original's start-up migration does. Reached through Npgsql's pooled data source.
/// </summary>
public sealed class TodoStore(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = new NpgsqlSlimDataSourceBuilder(connectionString).EnableTransportSecurity().Build();
    private readonly SemaphoreSlim _schema = new(1, 1);
    private bool _ready;

    public string Host { get; } = new NpgsqlConnectionStringBuilder(connectionString).Host ?? "localhost";

    public int Port { get; } = new NpgsqlConnectionStringBuilder(connectionString).Port;

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var command = _source.CreateCommand("SELECT \"Item\" FROM \"ToDos\" ORDER BY \"ToDoId\"");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var items = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            items.Add(reader.GetString(0));
        }

        return items;
    }

    public async Task AddAsync(string item, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var command = _source.CreateCommand("INSERT INTO \"ToDos\" (\"Item\", \"DateAdded\") VALUES ($1, now())");
        command.Parameters.Add(new NpgsqlParameter { Value = item });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (_ready)
        {
            return;
        }

        await _schema.WaitAsync(ct);
        try
        {
            if (_ready)
            {
                return;
            }

            try
            {
                await CreateTableAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                await CreateDatabaseAsync(ct);
                await CreateTableAsync(ct);
            }

            _ready = true;
        }
        finally
        {
            _schema.Release();
        }
    }

    private async Task CreateTableAsync(CancellationToken ct)
    {
        await using var command = _source.CreateCommand(
            "CREATE TABLE IF NOT EXISTS \"ToDos\" (\"ToDoId\" serial PRIMARY KEY, \"Item\" text NOT NULL, \"DateAdded\" timestamptz NOT NULL)");
        await command.ExecuteNonQueryAsync(ct);
    }

    // Through the server's maintenance database "postgres": the app's own does not exist yet.
    private async Task CreateDatabaseAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "postgres";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another replica created it first.
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
