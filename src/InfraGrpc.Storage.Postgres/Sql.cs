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
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static T? Nullable<T>(this NpgsqlDataReader reader, int ordinal) where T : class =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    private static void Add(NpgsqlCommand command, object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
