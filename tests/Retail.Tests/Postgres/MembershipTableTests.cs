using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Retail.Hosting;

namespace Retail.Tests.Postgres;

/// <summary>The membership queries driven through the real ADO.NET clustering table, without a silo.</summary>
[Collection(PostgresServer.Collection)]
public sealed class MembershipTableTests(PostgresServer postgres)
{
    private const string Cluster = "membership-contract";

    [Fact]
    public async Task Initialisation_creates_one_version_row_and_an_empty_table_reads_as_no_members()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var table = Table(connectionString);

        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var data = await table.ReadAllAsync();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.Equal("0", data.Version.VersionEtag);
        Assert.Equal(1L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_membership_version"));
    }

    [Fact]
    public async Task Inserts_and_updates_succeed_only_on_the_current_table_version()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var table = Table(connectionString);
        await table.InitializeMembershipTableAsync(true);
        var first = Entry(11111, SiloStatus.Joining);
        var second = Entry(22222, SiloStatus.Joining);

        var empty = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(first, empty.Version.Next()));
        Assert.Equal(1, await VersionAsync(connectionString));

        // The same silo again, even with the current version, is refused.
        var afterFirst = await table.ReadAllAsync();
        Assert.False(await table.InsertRowAsync(first, afterFirst.Version.Next()));
        // A new silo with the stale version is refused.
        Assert.False(await table.InsertRowAsync(second, empty.Version.Next()));
        Assert.Equal(1, await VersionAsync(connectionString));
        Assert.Single((await table.ReadAllAsync()).Members);

        // An update from a stale read is refused and changes nothing.
        first.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRowAsync(first, empty.Version.VersionEtag, empty.Version.Next()));
        var stored = Assert.Single((await table.ReadAllAsync()).Members);
        Assert.Equal(SiloStatus.Joining, stored.Item1.Status);

        // Updating a silo that never joined is refused even on the current version.
        Assert.False(await table.UpdateRowAsync(second, afterFirst.Version.VersionEtag, afterFirst.Version.Next()));
        Assert.Equal(1, await VersionAsync(connectionString));

        // A current update changes status and suspicions and moves the version on.
        first.AddOrUpdateSuspector(second.SiloAddress, DateTime.UtcNow, 10);
        Assert.True(await table.UpdateRowAsync(first, afterFirst.Version.VersionEtag, afterFirst.Version.Next()));
        Assert.Equal(2, await VersionAsync(connectionString));
        var updated = await table.ReadRowAsync(first.SiloAddress);
        var (row, etag) = Assert.Single(updated.Members);
        Assert.Equal("2", etag);
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Equal(second.SiloAddress, Assert.Single(row.SuspectTimes ?? []).Item1);
        Assert.Equal(first.SiloName, row.SiloName);
        Assert.Equal(first.HostName, row.HostName);
        Assert.Equal(first.ProxyPort, row.ProxyPort);
        Assert.Equal(first.StartTime, row.StartTime, TimeSpan.FromMilliseconds(1));

        // A heartbeat moves only the liveness time.
        var heartbeat = DateTime.UtcNow.AddSeconds(5);
        first.IAmAliveTime = heartbeat;
        await table.UpdateIAmAliveAsync(first);
        Assert.Equal(2, await VersionAsync(connectionString));
        var alive = Assert.Single((await table.ReadRowAsync(first.SiloAddress)).Members).Item1;
        Assert.Equal(heartbeat, alive.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(DateTimeKind.Utc, alive.IAmAliveTime.Kind);

        // An unknown silo reads as no member, with the version.
        var unknown = await table.ReadRowAsync(second.SiloAddress);
        Assert.Empty(unknown.Members);
        Assert.Equal(2, unknown.Version.Version);
    }

    [Fact]
    public async Task Concurrent_inserts_on_one_version_let_exactly_one_silo_in()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var table = Table(connectionString);
        await table.InitializeMembershipTableAsync(true);
        var version = (await table.ReadAllAsync()).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => table.InsertRowAsync(Entry(30000 + i, SiloStatus.Joining), version))));

        Assert.Single(results, inserted => inserted);
        Assert.Single((await table.ReadAllAsync()).Members);
        Assert.Equal(1, await VersionAsync(connectionString));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cleanup_removes_only_dead_rows_older_than_the_cutoff(bool perRowQueryPresent)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        // Disable the query that must not be used, so the assertions prove which one did the work.
        await Sql.ExecuteAsync(connectionString, perRowQueryPresent
            ? "UPDATE orleansquery SET querytext = 'SELECT 0' WHERE querykey = 'CleanupDefunctSiloEntriesKey'"
            : "DELETE FROM orleansquery WHERE querykey = 'CleanupDefunctSiloEntryKey'");
        var table = Table(connectionString);
        await table.InitializeMembershipTableAsync(true);
        var longAgo = DateTime.UtcNow.AddDays(-10);
        var deadLongAgo = Entry(40001, SiloStatus.Dead, longAgo);
        var deadRecently = Entry(40002, SiloStatus.Dead);
        var activeLongAgo = Entry(40003, SiloStatus.Active, longAgo);
        foreach (var entry in new[] { deadLongAgo, deadRecently, activeLongAgo })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }
        var versionBefore = await VersionAsync(connectionString);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-7));

        var remaining = (await table.ReadAllAsync()).Members.Select(member => member.Item1.SiloAddress.Endpoint.Port).Order();
        Assert.Equal([40002, 40003], remaining);
        Assert.Equal(versionBefore, await VersionAsync(connectionString));
    }

    [Fact]
    public async Task Deleting_the_cluster_removes_members_and_version()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var table = Table(connectionString);
        await table.InitializeMembershipTableAsync(true);
        Assert.True(await table.InsertRowAsync(Entry(50001, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync(Cluster);

        Assert.Equal(0L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_membership"));
        Assert.Equal(0L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_membership_version"));
    }

    [Fact]
    public async Task A_missing_mandatory_query_fails_initialisation()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await Sql.ExecuteAsync(connectionString, "DELETE FROM orleansquery WHERE querykey = 'GatewaysQueryKey'");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Table(connectionString).InitializeMembershipTableAsync(true));

        Assert.Contains("GatewaysQueryKey", error.Message);
    }

    private static AdoNetClusteringTable Table(string connectionString) => new(
        new ServiceCollection().BuildServiceProvider(),
        Options.Create(new ClusterOptions { ClusterId = Cluster, ServiceId = PostgresSilo.ServiceId }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = OrleansAdoNet.Invariant, ConnectionString = connectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime? startTime = null)
    {
        var start = startTime ?? DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 7),
            SiloName = $"silo-{port}",
            HostName = "shop-floor",
            Status = status,
            ProxyPort = port + 1,
            StartTime = start,
            IAmAliveTime = start,
        };
    }

    private static async Task<int> VersionAsync(string connectionString) =>
        (int)(await Sql.ScalarAsync(connectionString,
            "SELECT version FROM orleans_membership_version WHERE deployment_id = @id", ("id", Cluster)))!;
}
