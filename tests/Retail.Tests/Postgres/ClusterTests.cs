using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Messaging;

namespace Retail.Tests.Postgres;

[Collection(PostgresServer.Collection)]
public sealed class ClusterTests(PostgresServer postgres)
{
    private const int Active = 3;

    [Fact]
    public async Task Two_silos_join_through_the_membership_table_and_a_gateway_client_calls_a_grain()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = await PostgresSilo.StartAsync(connectionString);
        var afterFirst = await VersionAsync(connectionString);
        await using var second = await PostgresSilo.StartAsync(connectionString);

        var members = await Sql.RowsAsync(connectionString,
            "SELECT port, proxy_port, status, generation FROM orleans_membership WHERE deployment_id = @id ORDER BY port",
            ("id", PostgresSilo.ClusterId));
        Assert.Equal(2, members.Count);
        Assert.All(members, member => Assert.Equal(Active, member[2]));
        Assert.Equal(
            new[] { first.SiloPort, second.SiloPort }.Order(),
            members.Select(member => (int)member[0]!));
        Assert.Equal(
            new[] { first.GatewayPort, second.GatewayPort }.Order(),
            members.Select(member => (int)member[1]!).Order());
        Assert.Equal(1L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM orleans_membership_version"));
        Assert.True(await VersionAsync(connectionString) > afterFirst, "the second join must move the table version on");

        using var client = await PostgresSilo.StartClientAsync(connectionString);
        var gateways = await client.Services.GetRequiredService<IGatewayListProvider>().GetGateways();
        Assert.Equal(
            new[] { first.GatewayPort, second.GatewayPort }.Order(),
            gateways.Select(gateway => gateway.Port).Order());

        var grains = client.Services.GetRequiredService<IClusterClient>();
        var view = await grains.GetGrain<IShelfTallyGrain>("store:0001/aisle-7").Add(3);
        Assert.Equal(3, view.Quantity);
        Assert.Equal("1", view.ETag);
    }

    [Fact]
    public async Task A_silo_stopped_ungracefully_is_recorded_dead_and_leaves_the_gateway_list()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var survivor = await PostgresSilo.StartAsync(connectionString);
        await using var victim = await PostgresSilo.StartAsync(connectionString);
        using var client = await PostgresSilo.StartClientAsync(connectionString);
        var gateways = client.Services.GetRequiredService<IGatewayListProvider>();
        Assert.Equal(2, (await gateways.GetGateways()).Count);
        var versionBefore = await VersionAsync(connectionString);

        await victim.KillAsync();

        var deadline = Stopwatch.StartNew();
        object?[] row;
        do
        {
            row = Assert.Single(await Sql.RowsAsync(connectionString,
                "SELECT status, suspect_times FROM orleans_membership WHERE port = @port", ("port", victim.SiloPort)));
            if (row[0] is 6) break;
            await Task.Delay(200);
        }
        while (deadline.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal(6, row[0]);
        // Orleans writes each suspicion as "ip:port@generation,time" entries.
        Assert.Matches(@"^127\.0\.0\.1:\d+@\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} GMT", (string?)row[1]);
        Assert.True(await VersionAsync(connectionString) > versionBefore);
        var remaining = Assert.Single(await gateways.GetGateways());
        Assert.Equal(survivor.GatewayPort, remaining.Port);
        Assert.Equal(Active, await Sql.ScalarAsync(connectionString,
            "SELECT status FROM orleans_membership WHERE port = @port", ("port", survivor.SiloPort)));
    }

    private static async Task<int> VersionAsync(string connectionString) =>
        (int)(await Sql.ScalarAsync(connectionString,
            "SELECT version FROM orleans_membership_version WHERE deployment_id = @id", ("id", PostgresSilo.ClusterId)))!;
}
