using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Retail.Hosting;

namespace Retail.Tests.Postgres;

/// <summary>Times are instants: the database's time zone must not shift what the providers read back.</summary>
[Collection(PostgresServer.Collection)]
public sealed class TimeZoneTests(PostgresServer postgres)
{
    // +13:45 / +12:45: far from UTC and not a whole number of hours.
    private const string FarZone = "Pacific/Chatham";

    private static readonly DateTime Instant = new(2031, 7, 4, 23, 59, 58, 765, DateTimeKind.Utc);

    [Fact]
    public async Task Reminder_and_membership_times_round_trip_in_a_far_time_zone()
    {
        var connectionString = await DatabaseInFarZoneAsync();
        Assert.Equal(FarZone, await Sql.ScalarAsync(connectionString, "SHOW TimeZone"));

        await using var silo = await PostgresSilo.StartAsync(connectionString);
        var reminders = silo.Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create(GrainType.Create("restock"), "store:0007");
        await reminders.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "stocktake", StartAt = Instant, Period = TimeSpan.FromDays(1) });

        var reminder = await reminders.ReadRow(grain, "stocktake");
        Assert.NotNull(reminder);
        Assert.Equal((Instant, DateTimeKind.Utc), (reminder.StartAt, reminder.StartAt.Kind));

        var membership = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = "time-zone", ServiceId = PostgresSilo.ServiceId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = OrleansAdoNet.Invariant, ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await membership.InitializeMembershipTableAsync(true);
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1),
            SiloName = "till-1",
            HostName = "shop-floor",
            Status = SiloStatus.Active,
            ProxyPort = 30000,
            StartTime = Instant,
            IAmAliveTime = Instant.AddMinutes(1),
        };
        Assert.True(await membership.InsertRowAsync(entry, (await membership.ReadAllAsync()).Version.Next()));

        var row = Assert.Single((await membership.ReadRowAsync(entry.SiloAddress)).Members).Item1;
        Assert.Equal((Instant, Instant.AddMinutes(1)), (row.StartTime, row.IAmAliveTime));
        Assert.Equal(DateTimeKind.Utc, row.StartTime.Kind);

        // And the stored instants are right for anyone else reading them in UTC.
        var storedInUtc = await Sql.RowsAsync(connectionString, """
            SELECT start_time AT TIME ZONE 'UTC' FROM orleans_reminder
            UNION ALL
            SELECT start_time AT TIME ZONE 'UTC' FROM orleans_membership WHERE deployment_id = 'time-zone'
            """);
        Assert.Equal([Instant, Instant], storedInUtc.Select(stored => DateTime.SpecifyKind((DateTime)stored[0]!, DateTimeKind.Utc)));
    }

    private async Task<string> DatabaseInFarZoneAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        // Applies to sessions opened from now on, which is every session the providers open.
        await Sql.ExecuteAsync(connectionString, $"ALTER DATABASE \"{database}\" SET TimeZone = '{FarZone}'");
        // The pooled session that ran it keeps the old zone; drop it.
        using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        return connectionString;
    }
}
