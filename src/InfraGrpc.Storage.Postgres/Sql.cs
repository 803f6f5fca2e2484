using Npgsql;

namespace InfraGrpc.Storage.Postgres;

/// <summary>Commands with positional parameters ($1, $2, …), on a connection and its transaction or on the pool.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string text, params object?[] values)
    {
        var command = new NpgsqlCommand(text, connection, transaction);
        Add(command, values);
        return command;
    }

    public static NpgsqlCommand Command(NpgsqlDataSource dataSource, string text, params object?[] values)
    {
        var command = dataSource.CreateCommand(text);
        Add(command, values);
        return command;
    }

    /// <summary>Every row of a query, mapped by <paramref name="map"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        // A command outside a transaction is a call of its own; inside one, the transaction's span covers it.
        using var timed = Standalone(command) ? StoreCall.Begin(StoreCall.Read) : default;
        await using (command)
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    public static async Task<int> ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        using var timed = Standalone(command) ? StoreCall.Begin(StoreCall.Transaction) : default;
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static T? Nullable<T>(this NpgsqlDataReader reader, int ordinal) where T : class =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    // A command made by the pool (a subclass of NpgsqlCommand, which refuses to say its transaction) runs on its own.
    private static bool Standalone(NpgsqlCommand command) => command.GetType() != typeof(NpgsqlCommand);

    private static void Add(NpgsqlCommand command, object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(Parameter(value));
        }
    }

    /// <summary>
    /// A parameter. PostgreSQL text cannot hold U+0000, which hostile input can carry in an address or a name: it becomes
    /// U+FFFD, so a lookup finds nothing (as on the embedded store) instead of failing. Records are JSON, which escapes it.
    /// </summary>
    public static NpgsqlParameter Parameter(object? value) => new()
    {
        Value = value switch
        {
            null => DBNull.Value,
            string text when text.Contains('\0', StringComparison.Ordinal) => text.Replace('\0', '\uFFFD'),
            string[] texts when texts.Any(t => t.Contains('\0', StringComparison.Ordinal)) => texts.Select(t => t.Replace('\0', '\uFFFD')).ToArray(),
            _ => value,
        },
    };
}
