using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Retail.Access;
using Retail.Api.Access;
using Retail.Common;
using Retail.Hosting;
using Retail.Tests.Http;

namespace Retail.Tests.Postgres;

/// <summary>API keys in the PostgreSQL mode: they outlive the silo, and the database never sees a token.</summary>
[Collection(PostgresServer.Collection)]
public sealed class ApiKeyDurabilityTests(PostgresServer server)
{
    /// <summary>A silo wired as the API wires it in the PostgreSQL mode (no HTTP: the key path above the grain is the same in every mode).</summary>
    internal static async Task<IHost> StartSiloAsync(string connectionString, TimeProvider? clock = null)
    {
        // A silo whose first connection times out on a busy machine fails to start, and is started again, as a deployment restarts it.
        for (var attempt = 1; ; attempt++)
        {
            var host = BuildSilo(connectionString, clock);
            try
            {
                await host.StartAsync();
                return host;
            }
            catch (Exception error) when (attempt < 3 && error is TimeoutException or NpgsqlException)
            {
                host.Dispose();
            }
        }
    }

    private static IHost BuildSilo(string connectionString, TimeProvider? clock)
    {
        var builder = Host.CreateApplicationBuilder();
        if (clock is not null)
            builder.Services.AddSingleton(clock);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Retail"] = connectionString,
            ["Retail:Cluster:SiloPort"] = ApiFactory.FreePort().ToString(),
            ["Retail:Cluster:GatewayPort"] = ApiFactory.FreePort().ToString(),
            ["Retail:Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Retail:Cluster:ProbeTimeoutSeconds"] = ApiFactory.ProbeTimeoutSeconds,
        });
        builder.AddRetailSilo();
        return builder.Build();
    }

    private static IApiKeyDirectoryGrain Directory(IHost host) =>
        host.Services.GetRequiredService<IGrainFactory>().GetGrain<IApiKeyDirectoryGrain>(GrainKeys.ApiKeyDirectory);

    [Fact]
    public async Task Keys_survive_a_restart_a_revocation_too_and_only_their_hashes_are_in_the_database()
    {
        var database = await server.CreateDatabaseAsync();
        var (kept, revoked) = (ApiKeyTokens.NewToken(), ApiKeyTokens.NewToken());
        ApiKey Key(string token) => new(ApiKeyTokens.NewId(), ApiRole.Manager, ["msk-1"], [], DateTimeOffset.UtcNow, ApiKeyTokens.Hash(token));
        var keptKey = Key(kept);
        using (var first = await StartSiloAsync(database))
        {
            Assert.Null((await Directory(first).IssueAsync(keptKey)).Error);
            var other = Key(revoked);
            Assert.Null((await Directory(first).IssueAsync(other)).Error);
            Assert.NotNull(await Directory(first).RevokeAsync(other.Id));
            await first.StopAsync();
        }

        using var second = await StartSiloAsync(database);
        var found = await Directory(second).FindByTokenHashAsync(ApiKeyTokens.Hash(kept));
        Assert.Equal((keptKey.Id, keptKey.Role, keptKey.CreatedAt), (found?.Id, found?.Role, found?.CreatedAt));
        Assert.Equal(["msk-1"], found!.StoreIds);
        Assert.Null(await Directory(second).FindByTokenHashAsync(ApiKeyTokens.Hash(revoked)));
        await second.StopAsync();

        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var query = dataSource.CreateCommand(
            "SELECT position(@hash in payload) > 0, position(@token in payload) > 0 FROM orleans_grain_state WHERE grain_id_extension = @key");
        query.Parameters.AddWithValue("hash", System.Text.Encoding.UTF8.GetBytes(ApiKeyTokens.Hash(kept)));
        query.Parameters.AddWithValue("token", System.Text.Encoding.UTF8.GetBytes(kept));
        query.Parameters.AddWithValue("key", GrainKeys.ApiKeyDirectory);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "No stored API key directory");
        Assert.Equal((true, false), (reader.GetBoolean(0), reader.GetBoolean(1)));
    }
}
