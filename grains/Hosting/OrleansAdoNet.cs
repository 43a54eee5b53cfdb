using Orleans.Hosting;

namespace Retail.Hosting;

/// <summary>
/// Points the Orleans ADO.NET providers (membership, gateway list, grain state, reminders) at
/// PostgreSQL. The tables and the SQL they run come from deploy/sql, applied by
/// <see cref="DatabaseSchema"/> before the silo starts.
/// </summary>
/// <remarks>
/// No DbProviderFactories registration is needed: the providers map the "Npgsql" invariant to
/// Npgsql's factory themselves and load it from the referenced Npgsql assembly.
/// </remarks>
public static class OrleansAdoNet
{
    /// <summary>ADO.NET invariant name of the Npgsql provider.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Silo membership in the orleans_membership tables.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Named grain state storage in orleans_grain_state. With <paramref name="deleteStateOnClear"/>
    /// ClearStateAsync removes the row (the next write starts again at ETag 1) instead of keeping
    /// it with a NULL payload.
    /// </summary>
    public static ISiloBuilder AddPostgresGrainStorage(
        this ISiloBuilder builder, string name, string connectionString, bool deleteStateOnClear = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddAdoNetGrainStorage(name, options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
            options.DeleteStateOnClear = deleteStateOnClear;
        });
    }

    /// <summary>Durable reminders in orleans_reminder.</summary>
    public static ISiloBuilder UsePostgresReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>Client gateway discovery from the Active silos of the membership table.</summary>
    public static IClientBuilder UsePostgresGateways(this IClientBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }
}
