using Npgsql;
using NpgsqlTypes;

namespace Retail.Ledger;

/// <summary>Batches go to PostgreSQL as one array parameter per column, unnested into rows by the insert.</summary>
public static class NpgsqlArrays
{
    public static void AddArray<T>(this NpgsqlCommand command, string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        command.Parameters.AddArray(name, elementType, values);

    public static void AddArray<T>(this NpgsqlBatchCommand command, string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        command.Parameters.AddArray(name, elementType, values);

    private static void AddArray<T>(this NpgsqlParameterCollection parameters, string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() });
}
