using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Messaging;

namespace Retail.Orleans.Tests.Postgres;

[Collection(PostgresServer.Collection)]
public sealed class ClusterTests(PostgresServer postgres)
{
    private const int Active = 3;

    [Fact]
    public async Task Two_silos_join_through_the_membership_table_and_a_gateway_client_calls_a_grain()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var watch = Stopwatch.StartNew();
        await using var first = await PostgresSilo.StartAsync(connectionString);
        var afterFirst = await VersionAsync(connectionString);
        await using var second = await PostgresSilo.StartAsync(connectionString);
        Console.WriteLine($"two silos up in {watch.Elapsed}");

        var members = await Sql.RowsAsync(connectionString,
            "SELECT port, proxy_port, status, generation FROM orleans_membership WHERE deployment_id = @id ORDER BY port",
            ("id", PostgresSilo.ClusterId));
        Assert.Equal(2, members.Count);
        Assert.All(members, member => Assert.Equal(Active, member[2]));
        Assert.Equal(
            new[] { first.SiloPort, second.SiloPort }.Order(),
            members.Select(member => (int)member[0]!));
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

        await client.StopAsync();
        watch.Restart();
        await second.StopAsync();
        await first.StopAsync();
        Console.WriteLine($"two silos down in {watch.Elapsed}");
    }

    private static async Task<int> VersionAsync(string connectionString) =>
        (int)(await Sql.ScalarAsync(connectionString,
            "SELECT version FROM orleans_membership_version WHERE deployment_id = @id", ("id", PostgresSilo.ClusterId)))!;
}
